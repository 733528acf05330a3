// What to write instead, for shape problems: a missing key, a value of the wrong type, a number or list out of range.
import { textOf, valueAt } from './raw.ts'

export const DURATION_HINT = 'write a number and a unit: 14d, 12h, 30m, 45s or 2w'

/** The frequency caps: impressions per account, session and day. */
const CAPS = ['max_impressions', 'max_per_session', 'max_per_day']

/**
 * A path with list indexes and the names a PM chooses (metrics, features, variants, limits, traits) generalised,
 * so one hint serves every plan or metric.
 * @example pathShape(['metrics', 'api_calls', 'label']) // 'metrics.*.label'
 */
function pathShape(path: readonly PropertyKey[]): string {
  let out = ''
  let previous: PropertyKey | undefined
  for (const segment of path) {
    if (typeof segment === 'number') out += '[]'
    else if (typeof previous === 'string' && ['metrics', 'features', 'variants', 'limits', 'traits'].includes(previous)) out += '.*'
    else out += (out ? '.' : '') + String(segment)
    previous = segment
  }
  return out
}

/** `api_calls` → `api calls`; `capitalize` → `Api calls`. */
function words(name: string, capitalize = false): string {
  const text = name.replace(/[_-]+/g, ' ').trim()
  return capitalize ? text.charAt(0).toUpperCase() + text.slice(1) : text
}

/** The id of the list item or the map key a path is about, for examples that name it. */
function ownerName(path: readonly PropertyKey[], input: unknown): string | undefined {
  const parent = path.slice(0, -1)
  const last = parent[parent.length - 1]
  if (typeof last === 'number') return textOf(valueAt(input, [...parent, 'id']))
  return typeof last === 'string' ? last : undefined
}

/**
 * What to write for a required key that is absent (or empty text, which says as little).
 * @example missingHint(['plans', 0, 'name'], { plans: [{ id: 'free' }] }) // 'give the plan a display name (copy shows it as {target.name}), e.g. name: Free'
 */
export function missingHint(path: readonly PropertyKey[], input: unknown): string | undefined {
  const shape = pathShape(path)
  const owner = ownerName(path, input)
  switch (shape) {
    case 'version':
      return 'start the file with `version: 1`'
    case 'plans':
      return 'add the upgrade ladder, cheapest first, e.g. plans: [ { id: free, name: Free }, { id: pro, name: Pro } ]'
    case 'plans[].id':
      return 'add the id your billing system knows the plan by, e.g. id: pro'
    case 'addons[].id':
      return 'add the id your billing system knows the add-on by, e.g. id: analytics'
    case 'plans[].name':
      return `give the plan a display name (copy shows it as {target.name}), e.g. name: ${owner ? words(owner, true) : 'Pro'}`
    case 'addons[].name':
      return `give the add-on a display name (copy shows it as {target.name}), e.g. name: ${owner ? words(owner, true) : 'Analytics'}`
    case 'metrics.*.label':
      return `say how the metric reads in copy ({metric}), e.g. label: ${owner ? words(owner) : 'contacts'}`
    case 'features.*.label':
      return `say how the feature reads in copy ({feature}), e.g. label: ${owner ? words(owner, true) : 'Advanced segmentation'}`
    case 'triggers[].id':
      return 'add an id, e.g. id: contacts-80; events and stats name the trigger by it'
    case 'triggers[].when':
      return 'add the signal that shows the prompt, e.g. when: { usage: contacts, at_least: 80% } or when: { gate: segmentation }'
    case 'triggers[].prompt':
      return 'add what to show, e.g. prompt: { placement: banner, title: "Running out of room?" }'
    case 'triggers[].prompt.placement':
      return 'say where the prompt renders: placement: banner, modal, toast or inline'
    case 'triggers[].prompt.title':
      return 'add the headline the prompt shows, e.g. title: "Running out of room?"'
    case 'routes[].id':
      return 'add an id, e.g. id: crm; webhook deliveries are keyed by it'
    case 'routes[].url':
      return 'add the https:// URL of the service that receives upgrade requests'
    case 'routes[].on':
      return 'say what the route sends, e.g. on: [upgrade_requested] or trigger ids'
    case 'attribution.window':
      return 'say how long after a prompt a conversion is credited to it, e.g. window: 14d'
  }
  if (shape.endsWith('non_buyer.cta.label')) return 'add the button text for users who cannot buy, e.g. label: Ask your admin'
  if (shape.endsWith('cta.label')) return 'add the button text, e.g. label: See plans'
  if (shape.endsWith('count_at_least')) return 'say how many events make the condition true, e.g. count_at_least: 5'
  if (shape.endsWith('usage')) return 'name the metric, e.g. usage: contacts'
  return undefined
}

/**
 * What to write for a number, text or list outside its bounds.
 * @example rangeHint(['triggers', 0, 'frequency', 'max_impressions'], 'number', 'too_small', input) // 'a cap counts impressions … narrow its audience'
 */
export function rangeHint(path: readonly PropertyKey[], origin: string, code: 'too_small' | 'too_big', input: unknown): string | undefined {
  const last = path[path.length - 1]
  const shape = pathShape(path)
  if (origin === 'array' && code === 'too_small') {
    if (shape === 'plans') return 'the ladder needs at least one plan, cheapest first, e.g. plans: [ { id: free, name: Free } ]'
    if (shape === 'routes[].on') return 'list what the route sends, e.g. on: [upgrade_requested], or remove the route'
    if (last === 'all' || last === 'any') return `list at least one condition under ${last}, or remove the ${last}`
    return undefined
  }
  if (origin === 'string' && code === 'too_small') return missingHint(path, input) ?? `write the text, or leave ${String(last)} out`
  if (origin === 'string') return last === 'id' ? 'shorten the id to 64 characters or fewer' : last === 'unit' ? 'write the unit short, e.g. GB' : 'shorten the copy: a prompt is read at a glance'
  if (code !== 'too_small') return undefined
  if (typeof last === 'string' && CAPS.includes(last)) {
    return `a cap counts impressions, so it is at least 1 (leave ${last} out to set no cap here). To stop a trigger, set enabled: false on it, remove it, or narrow its audience`
  }
  if (last === 'count_at_least') {
    const gate = valueAt(input, [...path.slice(0, -1), 'gate']) !== undefined
    return `write 1 to hold from the first ${gate ? 'gate hit' : 'event'}; a count of 0 would hold before anything happened`
  }
  if (last === 'monthly' || last === 'annual') return 'prices are amounts in defaults.currency; write 0 for a free plan'
  if (last === 'at_least') return "write an amount such as 800, or a share of the limit such as '80%'"
  return undefined
}

/**
 * What to write for a value of the wrong type, when the value shows what was meant.
 * @example typeHint('contacts', '10k', 'number') // 'write the plain number, without separators or units: 10000'
 */
export function typeHint(key: PropertyKey | undefined, value: unknown, expected?: string): string | undefined {
  if ((expected === 'number' || expected === 'int') && typeof value === 'string') {
    const digits = /^(\d+(?:[.,]\d+)*)\s*([kKmM]?)$/.exec(value.trim())
    if (digits) {
      const n = Number(digits[1]!.replace(/,/g, '')) * (/k/i.test(digits[2]!) ? 1000 : /m/i.test(digits[2]!) ? 1_000_000 : 1)
      if (Number.isFinite(n)) return `write the plain number, without separators or units: ${n}`
    }
  }
  const durations = ['cooldown', 'snooze_on_dismiss', 'min_account_age', 'within', 'renewal_within', 'account_age_at_least', 'window', 'renotify_after']
  if (typeof value === 'number' && typeof key === 'string' && durations.includes(key)) return DURATION_HINT
  if (typeof value === 'number' && key === 'holdout') {
    return value > 0 && value < 1
      ? `write a percentage: ${value} looks like a fraction, so most likely '${+(value * 100).toFixed(4)}%' (write '${value}%' for ${value === 0.1 ? 'a tenth of a percent' : 'that share of a percent'})`
      : `write a percentage, e.g. '${value}%'`
  }
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return `quote it to make it text: '${String(value)}'`
  return undefined
}

/**
 * For a currency that is not three capital letters: the code meant, when upper-casing gives one.
 * @example currencyHint('usd') // "did you mean 'USD'?"
 */
export function currencyHint(value: unknown): string {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : ''
  return /^[A-Z]{3}$/.test(upper) ? `did you mean '${upper}'?` : 'write the three-letter ISO 4217 code in capitals, e.g. USD, EUR or GBP'
}
