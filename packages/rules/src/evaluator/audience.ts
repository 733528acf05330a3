// Who a trigger is for: plans, roles (buyer vs non-buyer), the account-age guard and trait conditions.
import type { CompiledAudience, CompiledRules, EvalContext, SuppressReason } from './types.ts'
import { compileCondition } from './conditions.ts'

/** A compiled audience: the reason the context is outside it, or `undefined` when inside. */
export type AudienceCheck = (ctx: EvalContext) => SuppressReason | undefined

/**
 * Whether a role can buy: one of `defaults.buyerRoles`, or no role at all (a single-user account).
 * @example isBuyer(rules, 'member') // false with the default buyer roles owner, admin, billing
 */
export function isBuyer(rules: CompiledRules, role: string | undefined): boolean {
  return role === undefined || rules.defaults.buyerRoles.includes(role)
}

/**
 * Compiles an audience once. Checks run in a fixed order (plan, role, account age, traits) so the reason
 * is stable; an unknown creation date fails the age guard.
 * @example compileAudience(rules, { plans: ['free'] })(ctx) // 'audience_plan' for a pro account
 */
export function compileAudience(rules: CompiledRules, audience: CompiledAudience): AudienceCheck {
  const { plans, roles, minAccountAgeMs: age, traits = [] } = audience
  const old = compileCondition(rules, { accountAgeAtLeastMs: age ?? 0 })
  const traitsHold = compileCondition(rules, { all: traits })
  return (ctx) => {
    const { role } = ctx.user
    return plans && !plans.includes(ctx.account.plan) ? 'audience_plan'
      : roles && !roles.includes(role!) && !roles.includes(isBuyer(rules, role) ? 'buyer' : 'non_buyer') ? 'audience_role'
      : age !== undefined && !old(ctx) ? 'account_age'
      : traitsHold(ctx) ? undefined : 'audience_trait'
  }
}
