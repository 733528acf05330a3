// Checks on triggers: condition references, audience, targets, experiments and each prompt's copy.
import { parsePercent } from './evaluator/duration.ts'
import { checkReference, type Catalog } from './check-catalog.ts'
import { checkPromptCopy, type Offer } from './check-copy.ts'
import { DEFAULT_BUYER_ROLES } from './compile.ts'
import { offersFor } from './evaluator/deps.ts'
import type { IssueDraft } from './issues.ts'
import { isPlainObject, listOf, mapOf, textOf } from './raw.ts'
import { TRAIT_OPERATORS } from './schema.ts'
import { didYouMean, suggest } from './suggest.ts'

/** Targets that resolve against the ladder rather than naming a plan or add-on. */
export const TARGET_KEYWORDS = ['next_plan', 'next_plan_raising_limit', 'cheapest_plan_with_feature'] as const

/** Variant names the evaluator reserves for its own arms. */
const RESERVED_VARIANTS = ['default', 'holdout']

interface ConditionFacts {
  usage: boolean
  gate: boolean
  feature: boolean
  /** The first usage condition's metric: what `{limit}` and `{target.limit}` are about. */
  metric?: string
  /** The first gate's feature: what `cheapest_plan_with_feature` looks for. */
  gateFeature?: string
  /** A `renewal_within` that must hold (not under `not`): `renewsAt` is known when the trigger fires. */
  renewal: boolean
  /** A behavioural signal (usage, gate, event, renewal) that must hold: DESIGN's "time alone is never a trigger". */
  signal: boolean
}

export function checkTriggers(rules: unknown, catalog: Catalog): IssueDraft[] {
  const out: IssueDraft[] = []
  const defaults = mapOf(mapOf(rules).defaults)
  const buyerRoles = Array.isArray(defaults.buyer_roles) ? defaults.buyer_roles.filter((role): role is string => typeof role === 'string') : DEFAULT_BUYER_ROLES
  listOf(mapOf(rules).triggers).forEach((item, index) => {
    const trigger = mapOf(item)
    const path: PropertyKey[] = ['triggers', index]
    if (trigger.id === 'upgrade_requested') out.push({ code: 'invalid_id', path: [...path, 'id'], message: "'upgrade_requested' is reserved for routes", hint: 'pick another trigger id' })
    const facts: ConditionFacts = { usage: false, gate: false, feature: false, renewal: false, signal: false }
    out.push(...checkCondition(trigger.when, [...path, 'when'], catalog, facts, false))
    if (isPlainObject(trigger.when) && !facts.signal) {
      out.push({
        code: 'no_signal',
        severity: 'warning',
        path: [...path, 'when'],
        message: 'the condition has no usage, gate, event or renewal_within part, so the prompt fires on account data or time alone',
        hint: "prompts should answer a signal: combine it with one, e.g. all: [ { event: report_viewed, count_at_least: 5, within: 30d }, … ]; account age belongs in audience.min_account_age",
      })
    }
    const audience = mapOf(trigger.audience)
    const audiencePlans = listOf(audience.plans)
    audiencePlans.forEach((plan, i) => out.push(...checkReference('plan', plan, catalog.plans, [...path, 'audience', 'plans', i])))
    listOf(audience.roles).forEach((role, i) => out.push(...checkRole(role, [...path, 'audience', 'roles', i], buyerRoles)))
    for (const [trait, comparison] of Object.entries(mapOf(audience.traits))) {
      if (isPlainObject(comparison)) out.push(...checkOperators(comparison, [...path, 'audience', 'traits', trait], `trait '${trait}'`))
    }
    const prompt = mapOf(trigger.prompt)
    const target = textOf(prompt.target)
    out.push(...checkTarget(prompt.target, [...path, 'prompt', 'target'], catalog, facts, audiencePlans))
    const copyContext = (name: string | undefined) => ({ usage: facts.usage, gate: facts.gate, target: name !== undefined, renewal: facts.renewal, offers: offersOf(rules, name, facts, audiencePlans) })
    out.push(...checkPromptCopy(prompt, [...path, 'prompt'], copyContext(target)))
    if (isPlainObject(trigger.prompt) && textOf(mapOf(prompt.cta).url) === undefined) {
      out.push({
        code: 'missing_url',
        severity: 'warning',
        path: [...path, 'prompt', ...(prompt.cta === undefined ? [] : ['cta'])],
        message: prompt.cta === undefined ? 'the prompt has no cta, so its button has no url: a click is only recorded' : 'the cta has no url: a click on the button is only recorded',
        hint: "add cta.url (e.g. url: \"/billing/upgrade?plan={target.id}\"), or handle the click in the app with mount(nudge, { onCta })",
      })
    }
    if (prompt.placement === 'inline' && !facts.gate) {
      out.push({ code: 'unattached_inline', severity: 'warning', path: [...path, 'prompt', 'placement'], message: 'an inline prompt without a gate condition has no feature gate to attach to', hint: 'use banner, modal or toast, or add a gate condition' })
    }
    const experiment = mapOf(trigger.experiment)
    const holdout = textOf(experiment.holdout)
    const holdoutPercent = holdout === undefined ? undefined : parsePercent(holdout)
    if (holdoutPercent !== undefined && holdoutPercent > 100) out.push({ code: 'out_of_range', path: [...path, 'experiment', 'holdout'], message: `holdout ${holdout} is over 100%`, hint: 'hold out a small share, e.g. 10%' })
    if (holdoutPercent === 100) out.push({ code: 'out_of_range', severity: 'warning', path: [...path, 'experiment', 'holdout'], message: 'a 100% holdout never shows the prompt to anyone' })
    for (const [name, overrides] of Object.entries(mapOf(experiment.variants))) {
      const variantPath = [...path, 'experiment', 'variants', name]
      if (RESERVED_VARIANTS.includes(name)) out.push({ code: 'invalid_id', path: variantPath, at: 'key', message: `variant name '${name}' is reserved`, hint: 'name variants a, b, … or after what they change' })
      const variant = mapOf(overrides)
      const variantTarget = textOf(variant.target) ?? target
      if (variant.target !== undefined) out.push(...checkTarget(variant.target, [...variantPath, 'target'], catalog, facts, audiencePlans))
      out.push(...checkPromptCopy(variant, variantPath, copyContext(variantTarget)))
    }
  })
  if (defaults.non_buyer !== undefined) out.push(...checkPromptCopy({ non_buyer: defaults.non_buyer }, ['defaults'], { usage: false, gate: false, target: false, shared: true }))
  return out
}

function checkCondition(condition: unknown, path: PropertyKey[], catalog: Catalog, facts: ConditionFacts, negated: boolean): IssueDraft[] {
  if (!isPlainObject(condition)) return []
  const out: IssueDraft[] = []
  if (condition.usage !== undefined) {
    facts.usage = true
    if (!negated) facts.signal = true
    if (facts.metric === undefined && typeof condition.usage === 'string') facts.metric = condition.usage
    out.push(...checkReference('metric', condition.usage, catalog.metrics, [...path, 'usage']))
    const hasAtLeast = condition.at_least !== undefined
    if (hasAtLeast === (condition.above_limit !== undefined)) {
      out.push({
        code: hasAtLeast ? 'ambiguous_condition' : 'missing_key',
        path,
        message: hasAtLeast ? 'a usage condition has either at_least or above_limit, not both' : "a usage condition needs 'at_least' or 'above_limit'",
        hint: hasAtLeast ? 'combine two usage conditions with any: [ … ]' : 'e.g. { usage: contacts, at_least: 80% }',
      })
    }
    if (condition.above_limit === false) {
      out.push({ code: 'invalid_value', path: [...path, 'above_limit'], message: 'above_limit: false is not a condition', hint: 'write above_limit: true, or at_least: 80% for usage close to the limit; for "not above" wrap it: not: { usage: …, above_limit: true }' })
    }
    const percent = typeof condition.at_least === 'string' ? parsePercent(condition.at_least) : undefined
    const relative = percent !== undefined || condition.above_limit === true
    if (relative && typeof condition.usage === 'string' && catalog.metrics.has(condition.usage) && !catalog.limitedMetrics.has(condition.usage)) {
      out.push({ code: 'unreachable', severity: 'warning', path: [...path, 'usage'], message: `no plan or add-on limits '${condition.usage}', so this condition never matches`, hint: `add a ${condition.usage} limit to a plan, or use an absolute at_least` })
    }
    if (typeof condition.at_least === 'number' && typeof condition.usage === 'string') out.push(...checkThreshold(condition.at_least, condition.usage, [...path, 'at_least'], catalog))
  }
  if (condition.gate !== undefined) {
    facts.gate = true
    facts.feature = true
    if (!negated) facts.signal = true
    if (facts.gateFeature === undefined && typeof condition.gate === 'string') facts.gateFeature = condition.gate
    out.push(...checkReference('feature', condition.gate, catalog.features, [...path, 'gate']))
  }
  if (condition.event !== undefined && !negated) facts.signal = true
  if (condition.renewal_within !== undefined && !negated) {
    facts.signal = true
    facts.renewal = true
  }
  for (const key of ['has_feature', 'lacks_feature'] as const) {
    if (condition[key] === undefined) continue
    facts.feature = true
    out.push(...checkReference('feature', condition[key], catalog.features, [...path, key]))
  }
  for (const key of ['has_addon', 'lacks_addon'] as const) {
    if (condition[key] !== undefined) out.push(...checkReference('addon', condition[key], catalog.addons, [...path, key]))
  }
  if (condition.trait !== undefined) out.push(...checkOperators(condition, path, 'a trait condition'))
  if (condition.all !== undefined) listOf(condition.all).forEach((child, i) => out.push(...checkCondition(child, [...path, 'all', i], catalog, facts, negated)))
  // One branch of `any` may hold without the others: its signals are not required, unless every branch has one.
  if (condition.any !== undefined) {
    const branches = listOf(condition.any).map((child, i) => {
      const branch: ConditionFacts = { ...facts, signal: false, renewal: false }
      out.push(...checkCondition(child, [...path, 'any', i], catalog, branch, negated))
      Object.assign(facts, { usage: branch.usage, gate: branch.gate, feature: branch.feature, metric: branch.metric, gateFeature: branch.gateFeature })
      return branch
    })
    if (branches.length > 0 && branches.every((branch) => branch.signal)) facts.signal = true
    if (branches.length > 0 && branches.every((branch) => branch.renewal)) facts.renewal = true
  }
  if (condition.not !== undefined) {
    if (Array.isArray(condition.not)) {
      out.push({ code: 'invalid_type', path: [...path, 'not'], message: 'not takes one condition, not a list', hint: 'wrap the list: not: { any: [ … ] } (none holds) or not: { all: [ … ] } (not all hold)' })
    }
    out.push(...checkCondition(condition.not, [...path, 'not'], catalog, facts, true))
  }
  return out
}

/**
 * A number in `at_least` is a count, not a share of the limit: a fraction, or a small count far below every
 * plan's limit, was most likely meant as a percentage.
 */
function checkThreshold(value: number, metric: string, path: PropertyKey[], catalog: Catalog): IssueDraft[] {
  if (value > 0 && value < 1) {
    return [{ code: 'suspicious_threshold', severity: 'warning', path, message: `at_least ${value} is an absolute count: the condition holds from the first ${metric} on`, hint: `did you mean '${+(value * 100).toFixed(4)}%'? (a share of the limit needs the % sign)` }]
  }
  const smallest = catalog.smallestLimits.get(metric)
  if (value > 0 && value <= 100 && smallest !== undefined && smallest >= 10 * value) {
    return [{ code: 'suspicious_threshold', severity: 'warning', path, message: `at_least ${value} is an absolute count, far below every plan's ${metric} limit (the smallest is ${smallest})`, hint: `did you mean '${value}%'? (a share of the limit needs the % sign)` }]
  }
  return []
}

/**
 * What a target may offer the trigger's audience (every plan when it names none), as the evaluator resolves it,
 * with what the copy's `{target.annual_price}` and `{target.limit}` would show for each.
 */
function offersOf(rules: unknown, target: string | undefined, facts: ConditionFacts, audiencePlans: unknown[]): Offer[] {
  if (target === undefined) return []
  const root = mapOf(rules)
  const read = (item: unknown) => {
    const entry = mapOf(item)
    return { id: textOf(entry.id) ?? '', price: mapOf(entry.price), limits: mapOf(entry.limits), features: listOf(entry.features).filter((f): f is string => typeof f === 'string') }
  }
  const plans = listOf(root.plans).map(read)
  const addons = listOf(root.addons).map(read)
  const context = { plans, addons } as unknown as Parameters<typeof offersFor>[0]
  const offered = offersFor(context, target, facts.metric, facts.gateFeature)
  const accounts = audiencePlans.length > 0 ? audiencePlans.map((plan) => plans.findIndex((p) => p.id === plan)) : [...plans.keys()]
  const seen = new Map<string, Offer>()
  for (const account of accounts) {
    if (account < 0) continue
    const index = offered[account + 1]?.[0]
    if (index === undefined) continue
    const entry = index < plans.length ? plans[index]! : addons[index - plans.length]!
    const limitPlan = index < plans.length ? entry : plans[account]!
    const unlimited = facts.metric !== undefined && (limitPlan.limits[facts.metric] ?? null) === null
    seen.set(entry.id, { id: entry.id, annualPrice: typeof entry.price.annual === 'number', unlimited })
  }
  return [...seen.values()]
}

/**
 * Roles are the app's own names, so any text is allowed; one a typo away from 'buyer', 'non_buyer' or a buyer
 * role most likely means that one, and as written matches only users with that exact (misspelt) role.
 */
function checkRole(role: unknown, path: PropertyKey[], buyerRoles: readonly string[]): IssueDraft[] {
  if (typeof role !== 'string') return []
  const known = ['buyer', 'non_buyer', ...buyerRoles]
  if (known.includes(role)) return []
  const match = suggest(role, known)
  if (match === undefined) return []
  const roles = buyerRoles.length > 0 ? ` (${buyerRoles.join(', ')})` : ''
  return [{
    code: 'unknown_role',
    severity: 'warning',
    path,
    message: `role '${role}' is neither 'buyer', 'non_buyer' nor a buyer role${roles}, so it matches only users whose role is exactly '${role}'`,
    hint: `did you mean '${match}'?`,
  }]
}

function checkOperators(comparison: Record<string, unknown>, path: PropertyKey[], what: string): IssueDraft[] {
  const operators = TRAIT_OPERATORS.filter((op) => comparison[op] !== undefined)
  if (operators.length === 1) return []
  return [{
    code: operators.length === 0 ? 'missing_key' : 'ambiguous_condition',
    path,
    message: operators.length === 0 ? `${what} needs an operator` : `${what} has ${operators.length} operators (${operators.join(', ')}); it takes one`,
    hint: operators.length === 0 ? `use one of ${TRAIT_OPERATORS.join(', ')}` : 'combine comparisons with all: [ … ]',
  }]
}

function checkTarget(value: unknown, path: PropertyKey[], catalog: Catalog, facts: ConditionFacts, audiencePlans: unknown[]): IssueDraft[] {
  const target = textOf(value)
  if (target === undefined) return []
  if (target === 'next_plan_raising_limit' && !facts.usage) {
    return [{ code: 'unknown_target', path, message: 'next_plan_raising_limit needs a usage condition to know which limit to raise', hint: 'add a usage condition or use next_plan' }]
  }
  if (target === 'cheapest_plan_with_feature' && !facts.feature) {
    return [{ code: 'unknown_target', path, message: 'cheapest_plan_with_feature needs a gate, has_feature or lacks_feature condition', hint: 'add a gate condition or name the plan' }]
  }
  if ((TARGET_KEYWORDS as readonly string[]).includes(target) || catalog.addons.has(target)) return []
  const rank = catalog.plans.get(target)
  if (rank === undefined) {
    const hint = () => didYouMean(target, [...TARGET_KEYWORDS, ...catalog.plans.keys(), ...catalog.addons]) ?? `use a plan or add-on id, or one of ${TARGET_KEYWORDS.join(', ')}`
    return [{ code: 'unknown_target', path, message: `unknown target '${target}'`, hint }]
  }
  const same = audiencePlans.filter((plan) => plan === target)
  const above = audiencePlans.filter((plan): plan is string => typeof plan === 'string' && (catalog.plans.get(plan) ?? -1) > rank)
  if (same.length === 0 && above.length === 0) return []
  const list = (plans: unknown[]) => plans.map((p) => `'${String(p)}'`).join(', ')
  const parts = [
    ...(same.length > 0 ? [`accounts on '${target}' are offered the plan they are on (the button reads "Upgrade to" it unless cta.label says otherwise)`] : []),
    ...(above.length > 0 ? [`accounts on ${list(above)} get no target, so the prompt never shows to them`] : []),
  ]
  return [{
    code: 'suspicious_target',
    severity: 'warning',
    path,
    message: `target '${target}' is not above the audience's plan${same.length + above.length > 1 ? 's' : ''} ${list([...same, ...above])}`,
    hint: `${parts.join('; ')}. Target a higher plan or next_plan; offering the same plan only suits a monthly → annual switch with its own cta.label`,
  }]
}
