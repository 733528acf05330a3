// Human-readable reasons for decisions (`nudgekit simulate`, debug logs). Kept out of the browser entry:
// the reason codes carry the meaning, these sentences only add the numbers behind them.
import { compileCondition } from './conditions.ts'
import type { CompiledRules, CompiledTrigger, Condition, EvalContext, TriggerDecision, TriggerState } from './types.ts'

const UNITS = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const

/**
 * A duration in its largest unit, rounded the way that keeps the sentence true: an elapsed time or an age is
 * floored (6.5 days is "6d", below a 7d guard), a wait still to come is ceiled (0.2 days left is "5h").
 */
function span(ms: number, round: (n: number) => number): string {
  const [unit, size] = UNITS.find(([, size]) => ms >= size) ?? UNITS[UNITS.length - 1]!
  return `${round(ms / size)}${unit}`
}

/** A configured duration as written: the largest unit it is a whole number of (36h stays 36h, not 2d). */
function setting(ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms >= size && ms % size === 0) ?? ['s', 1000]
  return `${+(ms / size).toFixed(3)}${unit}`
}

const floor = Math.floor
const ceil = Math.ceil

/**
 * One sentence saying why a trigger got its decision, with the numbers behind a cap or guard.
 * @example explainDecision(rules, { trigger: 'contacts-80', status: 'suppressed', reason: 'max_per_session' }, ctx, state)
 * // 'suppressed: 1 of 1 impressions this session (max_per_session)'
 */
export function explainDecision(
  rules: CompiledRules,
  decision: TriggerDecision,
  ctx: EvalContext,
  state: TriggerState | undefined,
): string {
  const trigger = rules.triggers.find((candidate) => candidate.id === decision.trigger)
  const frequency = trigger?.frequency
  const { account } = ctx
  switch (decision.reason) {
    case undefined:
      if (decision.status === 'holdout') return `held out: the account is in the ${trigger?.holdoutPercent ?? 0}% holdout`
      if (decision.status === 'not_matched') return 'not matched: the `when` condition is false'
      return `shows in the ${decision.prompt?.placement ?? ''} placement (variant ${decision.variant ?? 'default'})`
    case 'audience_plan':
      return `suppressed: plan '${account.plan}' is not in audience.plans [${trigger?.audience.plans?.join(', ') ?? ''}]`
    case 'audience_role':
      return `suppressed: role '${ctx.user.role ?? '(none)'}' is not in audience.roles [${trigger?.audience.roles?.join(', ') ?? ''}]`
    case 'account_age':
      if (account.createdAt === undefined) return 'suppressed: the account creation date is unknown, so min_account_age cannot hold'
      if (account.createdAt > ctx.now) return `suppressed: the account was created in the future (createdAt is after now), min_account_age is ${setting(trigger?.audience.minAccountAgeMs ?? 0)}`
      return `suppressed: the account is ${span(ctx.now - account.createdAt, floor)} old, min_account_age is ${setting(trigger?.audience.minAccountAgeMs ?? 0)}`
    case 'audience_trait':
      return `suppressed: ${failedTrait(rules, trigger, ctx) ?? 'audience.traits do not hold for this account'}`
    case 'no_target':
      return `suppressed: no plan or add-on to offer above plan '${account.plan}' (target ${trigger?.prompt.target ?? ''})`
    case 'accepted':
      return 'suppressed: the account accepted this prompt before (stop_after_accept)'
    case 'snoozed':
      return `suppressed: snoozed for another ${span((state?.snoozedUntil ?? ctx.now) - ctx.now, ceil)}`
    case 'cooldown':
      return `suppressed: shown ${span(Math.max(0, ctx.now - (state?.lastShownAt ?? ctx.now)), floor)} ago, cooldown is ${setting(frequency?.cooldownMs ?? 0)}`
    case 'max_impressions':
      return `suppressed: ${state?.impressions ?? 0} of ${frequency?.maxImpressions ?? 0} impressions (max_impressions)`
    case 'max_per_session':
      return `suppressed: ${state?.sessionImpressions ?? 0} of ${frequency?.maxPerSession ?? 0} impressions this session (max_per_session)`
    case 'max_per_day':
      return `suppressed: ${state?.dayImpressions ?? 0} of ${frequency?.maxPerDay ?? 0} impressions today (max_per_day)`
    default:
      return `suppressed: ${decision.detail ?? decision.reason}`
  }
}

const NEGATED: Record<string, string> = { eq: 'neq', in: 'not_in', exists: 'exists: false' }

/** The first audience trait the account fails, as "trait 'plan_tier' is 'basic', audience needs eq 'gold'". */
function failedTrait(rules: CompiledRules, trigger: CompiledTrigger | undefined, ctx: EvalContext): string | undefined {
  const holds = (condition: Condition) => compileCondition(rules, condition)(ctx)
  for (const [reason, check] of trigger?.checks ?? []) {
    if (reason !== 'audience_trait' || holds(check)) continue
    // compile() may group a trigger's trait checks in one `all`: the first that fails is the one to name.
    const condition = 'all' in check ? (check.all.find((child) => !holds(child)) ?? check) : check
    const negated = 'not' in condition
    const inner = (negated ? condition.not : condition) as Condition
    if (!('trait' in inner)) return undefined
    const actual = ctx.account.traits?.[inner.trait]
    const op = negated ? (NEGATED[inner.op] ?? `not ${inner.op}`) : inner.op
    const needs = op === 'exists' ? 'needs it set' : op === 'exists: false' ? 'needs it unset' : `needs ${op} ${JSON.stringify(inner.value)}`
    return `audience trait '${inner.trait}' is ${actual === undefined ? 'not set' : JSON.stringify(actual)}, the audience ${needs}`
  }
  return undefined
}
