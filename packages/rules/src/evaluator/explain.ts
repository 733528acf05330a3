// Human-readable reasons for decisions (`nudgekit simulate`, debug logs). Kept out of the browser entry:
// the reason codes carry the meaning, these sentences only add the numbers behind them.
import type { CompiledRules, EvalContext, TriggerDecision, TriggerState } from './types.ts'

function span(ms: number): string {
  return ms >= 86_400_000 ? `${Math.round(ms / 86_400_000)}d` : ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)}h` : `${Math.round(ms / 60_000)}m`
}

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
      return account.createdAt === undefined
        ? 'suppressed: the account creation date is unknown, so min_account_age cannot hold'
        : `suppressed: the account is ${span(ctx.now - account.createdAt)} old, min_account_age is ${span(trigger?.audience.minAccountAgeMs ?? 0)}`
    case 'audience_trait':
      return 'suppressed: audience.traits do not hold for this account'
    case 'no_target':
      return `suppressed: no plan or add-on to offer above plan '${account.plan}' (target ${trigger?.prompt.target ?? ''})`
    case 'accepted':
      return 'suppressed: the account accepted this prompt before (stop_after_accept)'
    case 'snoozed':
      return `suppressed: snoozed for another ${span((state?.snoozedUntil ?? ctx.now) - ctx.now)}`
    case 'cooldown':
      return `suppressed: shown ${span(ctx.now - (state?.lastShownAt ?? ctx.now))} ago, cooldown is ${span(frequency?.cooldownMs ?? 0)}`
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
