// Validated rules → the compact payload the browser evaluates (durations in ms, defaults merged, deps,
// prompt subjects, experiment arms with merged copy and each target's offers per plan worked out, content hash).
import { deriveTrigger, type DeriveContext } from './evaluator/deps.ts'
import { parseDuration, parsePercent } from './evaluator/duration.ts'
import type {
  CompiledAudience,
  CompiledRules,
  Condition as CompiledCondition,
  CtaTemplate,
  DraftTrigger,
  Frequency,
  PromptTemplate,
  TraitOp,
} from './evaluator/types.ts'
import { canonicalJson, sha256 } from './hash.ts'
import { RulesError } from './issues.ts'
import { TRAIT_OPERATORS, type Condition, type Rules, type Trigger, type TriggerFrequency, type TriggerPrompt } from './schema.ts'

/** Roles that can buy when `defaults.buyer_roles` is absent. */
export const DEFAULT_BUYER_ROLES = ['owner', 'admin', 'billing']
/** The non-buyer call to action when `defaults.non_buyer.cta` is absent. */
export const DEFAULT_NON_BUYER_CTA: CtaTemplate = { label: 'Ask your admin' }
/** The attribution window when `attribution.window` is absent. */
export const DEFAULT_ATTRIBUTION_WINDOW = '14d'

type Scalar = string | number | boolean

/**
 * Compiles validated rules (from `loadRules` or `validateRules`) into the payload the SDK evaluates.
 * Deterministic: equal rules give an equal payload and `hash`. Disabled triggers are left out.
 * @example
 * const compiled = compile(rules)
 * response.headers.set('ETag', `"${compiled.hash}"`)
 */
export function compile(rules: Rules): CompiledRules {
  const defaultFrequency = rules.defaults?.frequency ?? {}
  const nonBuyer = rules.defaults?.non_buyer
  const catalog: DeriveContext & Omit<CompiledRules, 'hash' | 'version' | 'triggers'> = {
    metrics: Object.fromEntries(
      Object.entries(rules.metrics ?? {}).map(([id, metric]) => [id, { label: metric.label, ...optional('period', metric.period) }]),
    ),
    features: Object.fromEntries(Object.entries(rules.features ?? {}).map(([id, feature]) => [id, { label: feature.label }])),
    plans: rules.plans.map((plan) => ({
      id: plan.id,
      name: plan.name,
      price: { ...plan.price },
      limits: { ...plan.limits },
      features: [...(plan.features ?? [])],
    })),
    addons: (rules.addons ?? []).map((addon) => ({
      id: addon.id,
      name: addon.name,
      price: { ...addon.price },
      features: [...(addon.features ?? [])],
      limits: { ...addon.limits },
    })),
    defaults: {
      buyerRoles: [...(rules.defaults?.buyer_roles ?? DEFAULT_BUYER_ROLES)],
      nonBuyer: {
        ...optional('title', nonBuyer?.title),
        ...optional('body', nonBuyer?.body),
        cta: nonBuyer?.cta ? compileCta(nonBuyer.cta) : { ...DEFAULT_NON_BUYER_CTA },
      },
      ...optional('locale', rules.defaults?.locale),
      currency: rules.defaults?.currency ?? 'USD',
    },
    attribution: { windowMs: ms(rules.attribution?.window ?? DEFAULT_ATTRIBUTION_WINDOW, 'attribution.window') },
  }
  const triggers = (rules.triggers ?? []).filter((trigger) => trigger.enabled !== false).map((trigger) => compileTrigger(trigger, defaultFrequency))
  const payload: Omit<CompiledRules, 'hash'> = {
    version: 2,
    ...catalog,
    triggers: triggers.map((trigger) => deriveTrigger(catalog, trigger)),
  }
  return { ...payload, hash: hashPayload(payload) }
}

/** The content hash of a compiled payload without its `hash` field (what `compile` puts in `hash`). */
export function hashPayload(payload: Omit<CompiledRules, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = payload
  return sha256(canonicalJson(rest)).slice(0, 32)
}

function compileTrigger(trigger: Trigger, defaults: TriggerFrequency): DraftTrigger {
  const where = `triggers '${trigger.id}'`
  const when = compileCondition(trigger.when, `${where}.when`)
  const audience = compileAudience(trigger, where)
  const variants = trigger.experiment?.variants
  const holdout = trigger.experiment?.holdout
  return {
    id: trigger.id,
    when,
    audience,
    prompt: compilePrompt(trigger.prompt) as PromptTemplate,
    ...(variants ? { variants: Object.fromEntries(Object.entries(variants).map(([name, overrides]) => [name, compilePrompt(overrides)])) } : {}),
    holdoutPercent: holdout === undefined ? 0 : (parsePercent(holdout) ?? 0),
    frequency: compileFrequency({ ...defaults, ...trigger.frequency }, where),
    priority: trigger.priority ?? 0,
  }
}

function compileCondition(condition: Condition, where: string): CompiledCondition {
  if ('usage' in condition) {
    if (condition.above_limit) return { usage: condition.usage, aboveLimit: true }
    const atLeast = condition.at_least ?? 0
    const percent = typeof atLeast === 'string' ? parsePercent(atLeast) : undefined
    return { usage: condition.usage, atLeast: percent === undefined ? { value: Number(atLeast) } : { percent } }
  }
  if ('gate' in condition) return { gate: condition.gate, countAtLeast: condition.count_at_least ?? 1, ...within(condition.within, where) }
  if ('event' in condition) return { event: condition.event, countAtLeast: condition.count_at_least, ...within(condition.within, where) }
  if ('renewal_within' in condition) return { renewalWithinMs: ms(condition.renewal_within, where) }
  if ('account_age_at_least' in condition) return { accountAgeAtLeastMs: ms(condition.account_age_at_least, where) }
  if ('trait' in condition) return compileTrait(condition.trait, condition as Record<string, unknown>)
  if ('has_feature' in condition) return { hasFeature: condition.has_feature }
  if ('lacks_feature' in condition) return { lacksFeature: condition.lacks_feature }
  if ('has_addon' in condition) return { hasAddon: condition.has_addon }
  if ('lacks_addon' in condition) return { lacksAddon: condition.lacks_addon }
  if ('all' in condition) return { all: condition.all.map((child) => compileCondition(child, where)) }
  if ('any' in condition) return { any: condition.any.map((child) => compileCondition(child, where)) }
  return { not: compileCondition(condition.not, where) }
}

function compileTrait(trait: string, comparison: Record<string, unknown>): CompiledCondition {
  const op = TRAIT_OPERATORS.find((name) => comparison[name] !== undefined) as TraitOp | undefined
  return op === undefined ? { trait, op: 'exists', value: true } : { trait, op, value: comparison[op] }
}

function compileAudience(trigger: Trigger, where: string): CompiledAudience {
  const audience = trigger.audience
  if (!audience) return {}
  const traits = Object.entries(audience.traits ?? {}).map(([trait, comparison]) =>
    typeof comparison === 'object' ? compileTrait(trait, comparison) : compileTrait(trait, { eq: comparison satisfies Scalar }),
  )
  return {
    ...optional('plans', audience.plans && [...audience.plans]),
    ...optional('roles', audience.roles && [...audience.roles]),
    ...(audience.min_account_age === undefined ? {} : { minAccountAgeMs: ms(audience.min_account_age, `${where}.audience.min_account_age`) }),
    ...(traits.length > 0 ? { traits } : {}),
  }
}

function compilePrompt(prompt: Partial<TriggerPrompt>): Partial<PromptTemplate> {
  const nonBuyer = prompt.non_buyer
  return {
    ...optional('placement', prompt.placement),
    ...optional('title', prompt.title),
    ...optional('body', prompt.body),
    ...(prompt.cta ? { cta: compileCta(prompt.cta) } : {}),
    ...optional('dismissLabel', prompt.dismiss_label),
    ...optional('target', prompt.target),
    ...(nonBuyer
      ? { nonBuyer: { ...optional('title', nonBuyer.title), ...optional('body', nonBuyer.body), ...(nonBuyer.cta ? { cta: compileCta(nonBuyer.cta) } : {}) } }
      : {}),
  }
}

function compileCta(cta: { label: string; url?: string | undefined }): CtaTemplate {
  return { label: cta.label, ...optional('url', cta.url) }
}

function compileFrequency(frequency: TriggerFrequency, where: string): Frequency {
  return {
    ...(frequency.cooldown === undefined ? {} : { cooldownMs: ms(frequency.cooldown, `${where}.frequency.cooldown`) }),
    ...(frequency.snooze_on_dismiss === undefined ? {} : { snoozeOnDismissMs: ms(frequency.snooze_on_dismiss, `${where}.frequency.snooze_on_dismiss`) }),
    ...optional('maxImpressions', frequency.max_impressions),
    ...optional('maxPerSession', frequency.max_per_session),
    ...optional('maxPerDay', frequency.max_per_day),
    stopAfterAccept: frequency.stop_after_accept ?? true,
  }
}

function within(text: string | undefined, where: string): { withinMs?: number } {
  return text === undefined ? {} : { withinMs: ms(text, `${where}.within`) }
}

function ms(text: string, where: string): number {
  const value = parseDuration(text)
  if (value === undefined) {
    throw new RulesError([{ code: 'invalid_duration', severity: 'error', line: 0, column: 0, path: where, message: `invalid duration '${text}'` }], 'compile rules')
  }
  return value
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
