// What each trigger reads: the facts behind its condition and audience (the dependency index), and the
// usage metric and gated feature it is about.
import type { CompiledAudience, CompiledTrigger, Condition, FactKey } from './types.ts'

/**
 * Adds to `into` every fact a condition reads. Usage reads `account` too (the limit comes from the plan),
 * windows and dates read `time`.
 * @example conditionFacts({ usage: 'contacts', aboveLimit: true }, new Set()) // Set { 'usage:contacts', 'account' }
 */
function conditionFacts(condition: Condition, into: Set<FactKey>): Set<FactKey> {
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
function audienceFacts(audience: CompiledAudience, into: Set<FactKey>): Set<FactKey> {
  if (audience.plans || audience.traits) into.add('account')
  if (audience.roles) into.add('user')
  if (audience.minAccountAgeMs !== undefined) into.add('account').add('time')
  return into
}

/**
 * The facts a trigger's condition and audience read, sorted: what `compile()` writes to `trigger.deps`.
 * @example triggerFacts({ when: { usage: 'contacts', aboveLimit: true }, audience: { roles: ['buyer'] } }) // ['account', 'usage:contacts', 'user']
 */
export function triggerFacts(trigger: Pick<CompiledTrigger, 'when' | 'audience'>): FactKey[] {
  return [...audienceFacts(trigger.audience, conditionFacts(trigger.when, new Set()))].sort()
}

/**
 * The subject of the first `usage` (metric) or `gate` (feature) condition, looking through `all`/`any`
 * but not into `not` (a negated condition is not what the prompt is about).
 * @example subjectOf({ all: [{ gate: 'sso', countAtLeast: 1 }] }, 'gate') // 'sso'
 */
export function subjectOf(condition: Condition, kind: 'usage' | 'gate'): string | undefined {
  const parts = 'all' in condition ? condition.all : 'any' in condition ? condition.any : []
  return (condition as Partial<Record<typeof kind, string>>)[kind] ??
    parts.reduce<string | undefined>((found, part) => found ?? subjectOf(part, kind), undefined)
}

/**
 * What `compile()` works out about a trigger so the browser does not: the facts it reads (`deps`) and what
 * its prompt is about (`metric`, `feature`; present only when the condition has them).
 * @example triggerDerived({ when: { gate: 'sso', countAtLeast: 1 }, audience: {} }) // { deps: ['gate:sso'], feature: 'sso' }
 */
export function triggerDerived(trigger: Pick<CompiledTrigger, 'when' | 'audience'>): Pick<CompiledTrigger, 'deps' | 'metric' | 'feature'> {
  const metric = subjectOf(trigger.when, 'usage')
  const feature = subjectOf(trigger.when, 'gate')
  return { deps: triggerFacts(trigger), ...(metric === undefined ? {} : { metric }), ...(feature === undefined ? {} : { feature }) }
}

/**
 * Dependency index, built once from each trigger's `deps`: fact → ids of the triggers reading it.
 * @example createDependencyIndex(rules.triggers)(['usage:contacts']) // ['contacts-80', 'contacts-100']
 */
export function createDependencyIndex(triggers: readonly CompiledTrigger[]): (facts: Iterable<FactKey>) => string[] {
  const index = new Map<FactKey, string[]>()
  for (const { id, deps } of triggers) for (const fact of deps) index.set(fact, [...(index.get(fact) ?? []), id])
  return (facts) => {
    const ids = new Set<string>()
    for (const fact of facts) for (const id of index.get(fact) ?? []) ids.add(id)
    return [...ids]
  }
}
