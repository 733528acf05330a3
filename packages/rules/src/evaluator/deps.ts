// What each trigger reads: the facts behind its condition and audience (the dependency index), and the
// usage metric and gated feature it is about.
import type { CompiledAudience, CompiledTrigger, Condition, FactKey } from './types.ts'

/**
 * Adds to `into` every fact a condition reads. Usage reads `account` too (the limit comes from the plan),
 * windows and dates read `time`.
 * @example conditionFacts({ usage: 'contacts', aboveLimit: true }, new Set()) // Set { 'usage:contacts', 'account' }
 */
export function conditionFacts(condition: Condition, into: Set<FactKey>): Set<FactKey> {
  if ('all' in condition) for (const part of condition.all) conditionFacts(part, into)
  else if ('any' in condition) for (const part of condition.any) conditionFacts(part, into)
  else if ('not' in condition) conditionFacts(condition.not, into)
  else if ('usage' in condition) into.add(`usage:${condition.usage}`).add('account')
  else if ('gate' in condition || 'event' in condition) {
    into.add('gate' in condition ? `gate:${condition.gate}` : `event:${condition.event}`)
    if (condition.withinMs !== undefined) into.add('time')
  } else {
    into.add('account')
    if ('renewalWithinMs' in condition || 'accountAgeAtLeastMs' in condition) into.add('time')
  }
  return into
}

/** Facts an audience reads: plans and traits read the account, roles the user, the age guard the clock. */
export function audienceFacts(audience: CompiledAudience, into: Set<FactKey>): Set<FactKey> {
  if (audience.plans || audience.traits) into.add('account')
  if (audience.roles) into.add('user')
  if (audience.minAccountAgeMs !== undefined) into.add('account').add('time')
  return into
}

/**
 * The subject of the first `usage` (metric) or `gate` (feature) condition, looking through `all`/`any`
 * but not into `not` (a negated condition is not what the prompt is about).
 * @example subjectOf({ all: [{ gate: 'sso', countAtLeast: 1 }] }, 'gate') // 'sso'
 */
export function subjectOf(condition: Condition, kind: 'usage' | 'gate'): string | undefined {
  if (kind === 'usage' && 'usage' in condition) return condition.usage
  if (kind === 'gate' && 'gate' in condition) return condition.gate
  const parts = 'all' in condition ? condition.all : 'any' in condition ? condition.any : []
  for (const part of parts) {
    const found = subjectOf(part, kind)
    if (found !== undefined) return found
  }
  return undefined
}

/**
 * Dependency index, built once: fact → triggers reading it. The facts come from the conditions themselves
 * (what the compiled closures read), united with each trigger's declared `deps`.
 * @example createDependencyIndex(rules.triggers)(['usage:contacts']) // ['contacts-80', 'contacts-100']
 */
export function createDependencyIndex(triggers: readonly CompiledTrigger[]): (facts: Iterable<FactKey>) => string[] {
  const index = new Map<FactKey, number[]>()
  triggers.forEach((trigger, position) => {
    const facts = audienceFacts(trigger.audience, conditionFacts(trigger.when, new Set(trigger.deps)))
    for (const fact of facts) {
      const readers = index.get(fact)
      if (readers) readers.push(position)
      else index.set(fact, [position])
    }
  })
  return (facts) => {
    const hit = new Uint8Array(triggers.length)
    for (const fact of facts) for (const position of index.get(fact) ?? []) hit[position] = 1
    const ids: string[] = []
    for (let position = 0; position < hit.length; position++) if (hit[position]) ids.push(triggers[position]!.id)
    return ids
  }
}
