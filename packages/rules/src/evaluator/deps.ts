// What `compile()` works out about each trigger so the browser does not: the facts behind its condition and
// audience (for the dependency index), the usage metric and gated feature it is about, its experiment arms
// with merged copy, and the offers of its targets for each plan. Server side: the browser entry never imports it.
import { PLACEHOLDER_PATTERN } from './template-variables.ts'
import type { CompiledArm, CompiledAudience, CompiledRules, CompiledTrigger, Condition, DraftTrigger, FactKey, Frequency, PromptCopy, PromptTemplate } from './types.ts'

/**
 * Adds to `into` every fact a condition reads. Usage reads `account` too (the limit comes from the plan), so
 * does a gate (it holds only while the plan and add-ons lack the feature); windows and dates read `time`.
 * @example conditionFacts({ usage: 'contacts', aboveLimit: true }, new Set()) // Set { 'usage:contacts', 'account' }
 */
function conditionFacts(condition: Condition, into: Set<FactKey>): Set<FactKey> {
  if ('all' in condition) for (const part of condition.all) conditionFacts(part, into)
  else if ('any' in condition) for (const part of condition.any) conditionFacts(part, into)
  else if ('not' in condition) conditionFacts(condition.not, into)
  else if ('usage' in condition) into.add(`usage:${condition.usage}`).add('account')
  else if ('gate' in condition || 'event' in condition) {
    if ('gate' in condition) into.add(`gate:${condition.gate}`).add('account')
    else into.add(`event:${condition.event}`)
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
 * A condition in the kinds the browser evaluates: `lacksFeature`, `lacksAddon`, the `neq` and `not_in` trait
 * operators and `exists: false` become `not` of their positive form, which means exactly the same; an event
 * count of zero or less becomes the always-true `all: []`, a gate's `not: { hasFeature }`; renewal and
 * account-age windows become one `date` range.
 * @example browserCondition({ lacksAddon: 'analytics' }) // { not: { hasAddon: 'analytics' } }
 */
export function browserCondition(condition: Condition): Condition {
  if ('all' in condition) return { all: condition.all.map(browserCondition) }
  if ('any' in condition) return { any: condition.any.map(browserCondition) }
  if ('not' in condition) return { not: browserCondition(condition.not) }
  if ('lacksFeature' in condition) return { not: { hasFeature: condition.lacksFeature } }
  if ('lacksAddon' in condition) return { not: { hasAddon: condition.lacksAddon } }
  if ('renewalWithinMs' in condition) return { date: 'renewsAt', from: 0, to: condition.renewalWithinMs }
  if ('accountAgeAtLeastMs' in condition) return { date: 'createdAt', to: -condition.accountAgeAtLeastMs }
  // Needing no hits at all always holds; for a gate, while the account lacks the feature.
  if ('gate' in condition && condition.countAtLeast <= 0) return { not: { hasFeature: condition.gate } }
  if ('event' in condition && condition.countAtLeast <= 0) return { all: [] }
  if (!('trait' in condition)) return condition
  const { trait, op, value } = condition
  if (op === 'neq' || op === 'not_in') return { not: { trait, op: op === 'neq' ? 'eq' : 'in', value } }
  return op === 'exists' && value === false ? { not: { trait, op, value: true } } : condition
}

/**
 * An audience as conditions in the order they are checked, each with the reason it gives when false: the
 * plan, the role (`buyer` and `non_buyer` name whoever can or cannot buy), the account age (an unknown
 * creation date fails it), then every trait condition.
 * @example audienceChecks({ plans: ['free'] }) // [['audience_plan', { planIn: ['free'] }]]
 */
export function audienceChecks({ plans, roles, minAccountAgeMs, traits }: CompiledAudience): CompiledTrigger['checks'] {
  const checks: CompiledTrigger['checks'] = []
  if (plans) checks.push(['audience_plan', { planIn: plans }])
  if (roles) checks.push(['audience_role', { roleIn: roles }])
  if (minAccountAgeMs !== undefined) checks.push(['account_age', browserCondition({ accountAgeAtLeastMs: minAccountAgeMs })])
  if (traits?.length) checks.push(['audience_trait', { all: traits.map(browserCondition) }])
  return checks
}

/**
 * The impression caps a frequency sets, in the order they are checked, each with its reason and the
 * `TriggerState` count it limits.
 * @example impressionCaps({ maxPerSession: 1, stopAfterAccept: true }) // [['max_per_session', 'sessionImpressions', 1]]
 */
export function impressionCaps({ maxImpressions, maxPerSession, maxPerDay }: Frequency): CompiledTrigger['caps'] {
  const caps: CompiledTrigger['caps'] = []
  if (maxImpressions !== undefined) caps.push(['max_impressions', 'impressions', maxImpressions])
  if (maxPerSession !== undefined) caps.push(['max_per_session', 'sessionImpressions', maxPerSession])
  if (maxPerDay !== undefined) caps.push(['max_per_day', 'dayImpressions', maxPerDay])
  return caps
}

/** The catalog and defaults a trigger's arms and offers are worked out from. */
export type DeriveContext = Pick<CompiledRules, 'metrics' | 'features' | 'plans' | 'addons' | 'defaults'>

/**
 * What `compile()` works out about a trigger so the browser does not: the facts it reads (`deps`), what its
 * prompt is about (`metric`, `feature`; present only when the condition has them), its `arms` and the
 * offers of its `targets`.
 * @example deriveTrigger(rules, { id: 'sso', when: { gate: 'sso', countAtLeast: 1 }, audience: {}, prompt, holdoutPercent: 0, frequency, priority: 0 }).feature // 'sso'
 */
export function deriveTrigger(rules: DeriveContext, trigger: DraftTrigger): CompiledTrigger {
  const { id, when, prompt, variants } = trigger
  const metric = subjectOf(when, 'usage')
  const feature = subjectOf(when, 'gate')
  // Bucketing numbers the arms in a language-neutral order (sorted by code unit); `default` without variants.
  const names = Object.keys(variants ?? {}).sort()
  // `{metric}` and `{feature}` are the same for every account: filled in here, the browser fills the rest.
  const labels: Record<string, string> = {
    ...(metric === undefined ? {} : { metric: rules.metrics[metric]?.label ?? metric }),
    ...(feature === undefined ? {} : { feature: rules.features[feature]?.label ?? feature }),
  }
  const arms = (names.length ? names : ['default']).map((name) => compileArm(rules, name, { ...prompt, ...variants?.[name] }, labels, {
    key: `${id}:${name}`,
    trigger: id,
    variant: name,
    placement: { ...prompt, ...variants?.[name] }.placement,
    ...(feature === undefined ? {} : { feature }),
    ...(metric === undefined ? {} : { metric }),
    priority: trigger.priority,
  }))
  const targets = [...new Set([prompt, ...arms].map((template) => template.target))].filter((name) => name !== undefined)
  return {
    ...trigger,
    when: browserCondition(when),
    deps: triggerFacts(trigger),
    ...(metric === undefined ? {} : { metric }),
    ...(feature === undefined ? {} : { feature }),
    checks: audienceChecks(trigger.audience),
    caps: impressionCaps(trigger.frequency),
    arms,
    targets: Object.fromEntries(targets.map((name) => [name, offersFor(rules, name, metric, feature)])),
  }
}

function compileArm(rules: DeriveContext, name: string, template: PromptTemplate, labels: Record<string, string>, prompt: CompiledArm['prompt']): CompiledArm {
  // Without a CTA the button names the target; a prompt whose target does not resolve never shows.
  const cta = template.cta ?? { label: template.target ? 'Upgrade to {target.name}' : 'Upgrade' }
  // Braces in a label stay literal (doubled); in a URL the label is percent-encoded, as the renderer would.
  const fill = <T extends string | undefined>(text: T, encode?: boolean): T =>
    text?.replace(PLACEHOLDER_PATTERN, (token, variable?: string) => {
      const label = variable === undefined ? undefined : labels[variable]
      return label === undefined ? token : encode ? encodeURIComponent(label) : label.replace(/[{}]/g, '$&$&')
    }) as T
  const copy = ({ title, body, cta, dismissLabel }: PromptCopy): PromptCopy => ({
    title: fill(title),
    cta: { label: fill(cta.label), ...(cta.url === undefined ? {} : { url: fill(cta.url, true) }) },
    ...(body === undefined ? {} : { body: fill(body) }),
    ...(dismissLabel === undefined ? {} : { dismissLabel: fill(dismissLabel) }),
  })
  return {
    name,
    prompt,
    slot: template.placement === 'inline' ? `inline:${prompt.feature ?? prompt.trigger}` : template.placement,
    ...(template.target === undefined ? {} : { target: template.target }),
    copy: {
      buyer: copy({ ...template, cta }),
      non_buyer: copy({ ...template, ...rules.defaults.nonBuyer, ...template.nonBuyer }),
    },
  }
}

/**
 * What a target name offers an account on each plan: entry `planIndex + 1` (0 for a plan the rules do not
 * know) lists indexes into `[...plans, ...addons]`; the account gets the first plan or not-owned add-on.
 * Ladder targets look above the account's plan (nothing at the top, nothing when the plan is unknown);
 * `cheapest_plan_with_feature` falls back to add-ons. An explicit plan resolves unless it is below the
 * account's plan (the same plan stays valid: a monthly → annual offer), an add-on unless the account has it.
 * A plan raises a limit when its own limit is higher (the account's add-ons count on both sides) or unlimited.
 */
export function offersFor(rules: DeriveContext, name: string, metric: string | undefined, feature: string | undefined): number[][] {
  const { plans, addons } = rules
  const limit = (index: number) => (metric === undefined ? undefined : (plans[index]?.limits[metric] ?? null))
  const addonIndexes = addons.map((_, index) => plans.length + index)
  const explicitPlan = plans.findIndex((plan) => plan.id === name)
  const explicitAddon = addons.findIndex((addon) => addon.id === name)
  return [-1, ...plans.keys()].map((current) => {
    const above = current < 0 ? [] : [...plans.keys()].slice(current + 1)
    const own = limit(current)
    const first = (found: number | undefined) => (found === undefined ? [] : [found])
    if (name === 'next_plan') return first(above[0])
    if (name === 'next_plan_raising_limit') {
      return first(above.find((index) => {
        const raised = limit(index)
        return own === undefined || (own !== null && (raised === null || raised! > own))
      }))
    }
    if (name === 'cheapest_plan_with_feature') {
      const has = (features: string[]) => feature !== undefined && features.includes(feature)
      const plan = above.find((index) => has(plans[index]!.features))
      return plan === undefined ? addonIndexes.filter((index) => has(addons[index - plans.length]!.features)) : [plan]
    }
    if (explicitPlan >= 0) return current >= 0 && explicitPlan >= current ? [explicitPlan] : []
    return explicitAddon >= 0 ? [plans.length + explicitAddon] : []
  })
}

/**
 * The trigger fields `compile()` completes, for every trigger of a payload built by hand (tests, benchmarks).
 * @example const rules: CompiledRules = { ...payload, version: 2, triggers: deriveTriggers(payload, payload.triggers) }
 */
export function deriveTriggers(rules: DeriveContext, triggers: readonly DraftTrigger[]): CompiledTrigger[] {
  return triggers.map((trigger) => deriveTrigger(rules, trigger))
}
