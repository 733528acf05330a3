// Compiles each `Condition` once into a closure over the evaluation context, and a trigger's audience (who it
// is for: plans, roles, buyer or not, account age, traits) from the conditions `compile()` lists for it.
import type { CompiledRules, CompiledTrigger, Condition, EvalAccount, EvalContext, SuppressReason, TraitOp } from './types.ts'
import { checkFeature, limitOf } from './targets.ts'

/** A compiled condition. */
export type Predicate = (ctx: EvalContext) => boolean

/** Every field of every condition kind, so one object can be read without narrowing. */
interface Fields {
  all?: Condition[]
  any?: Condition[]
  not?: Condition
  usage?: string
  atLeast?: { percent?: number; value?: number }
  gate?: string
  event?: string
  countAtLeast: number
  withinMs?: number
  date?: 'renewsAt' | 'createdAt'
  from?: number
  to?: number
  trait?: string
  op: TraitOp
  value?: unknown
  hasFeature?: string
  hasAddon?: string
  planIn?: string[]
  roleIn?: string[]
}

/**
 * Compares a trait with a condition's value. Ordering needs two numbers or two strings (ISO dates compare
 * as strings); `exists` treats null as absent. The negated operators (`neq`, `not_in`, `exists: false`) reach
 * the browser as `not` of these (`compile()` rewrites them), so here they never hold.
 * @example traitHolds('gte', 25, 10) // true
 */
export function traitHolds(op: TraitOp, actual: unknown, expected: unknown): boolean {
  const a = actual as number
  const b = expected as number
  return op === 'exists' ? actual != null
    : op === 'eq' ? actual === expected
    : op === 'in' ? Array.isArray(expected) && expected.includes(actual)
    : typeof a === typeof b && (typeof a === 'number' || typeof a === 'string') &&
      (op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : op === 'lte' && a <= b)
}

/**
 * Compiles a condition into a predicate. Semantics: `usage` percentages are of `limitOf` (unlimited → false),
 * `aboveLimit` is used > limit, `gate`/`event` need `countAtLeast` timestamps within `withinMs` of now (all
 * time without it), a `gate` also an account whose plan and add-ons lack the feature, `renewalWithinMs`
 * holds while renewsAt is in [now, now + ms], `accountAgeAtLeastMs` needs a known createdAt (both as a `date`
 * range, see `browserCondition`). A condition kind this version does not know never matches; the negative
 * kinds (`lacksFeature`, `lacksAddon`, `neq`, `not_in`, `exists: false`) come as `not` (see `browserCondition`).
 * @example compileCondition(rules, { usage: 'contacts', atLeast: { percent: 80 } })(ctx) // true at 800 of 1,000
 */
export function compileCondition(rules: CompiledRules, condition: Condition): Predicate {
  const c = condition as Fields
  const parts = c.all ?? c.any
  if (parts) {
    const all = !!c.all
    const predicates = parts.map((part) => compileCondition(rules, part))
    return (ctx) => {
      for (const predicate of predicates) if (predicate(ctx) !== all) return !all
      return all
    }
  }
  if (c.not) {
    const inner = compileCondition(rules, c.not)
    return (ctx) => !inner(ctx)
  }
  const { usage: metric, atLeast: { value, percent } = {}, countAtLeast: count, withinMs = Infinity, trait, op, hasAddon: addon, planIn, roleIn, date, from, to, gate } = c
  const key = gate ?? c.event
  // Timestamps ascend, so the count-th most recent one alone decides: no scan, no search. With fewer than
  // `count` there is none, and undefined compares false; so does an inherited name (`toString`), which has
  // no `at`. (`compile()` rewrites a count below 1, see `browserCondition`.)
  const counted: Predicate = (ctx) => (gate ? ctx.gates : ctx.events)[key!]?.at?.(-count)! >= ctx.now - withinMs
  const feature = c.hasFeature ?? gate
  if (metric || feature) {
    // The limit and the features come from the plan: worked out once per account object.
    let account: EvalAccount | undefined
    let limit: number | null | boolean = null
    return (ctx) => {
      if (ctx.account !== account) limit = feature ? checkFeature(rules, (account = ctx.account), feature).allowed : limitOf(rules, (account = ctx.account), metric!)
      // A gate holds only while the account lacks the feature: an upgrade that includes it ends the upsell.
      if (gate) return !limit && counted(ctx)
      if (feature) return limit as boolean
      const used = ctx.usage[metric!] ?? 0
      return value !== undefined ? used >= value : limit !== null && (percent === undefined ? used > (limit as number) : used * 100 >= (limit as number) * percent)
    }
  }
  if (key) return counted
  if (date) {
    // An unknown date makes the difference NaN, and every comparison with NaN is false.
    return (ctx) => {
      const left = ctx.account[date]! - ctx.now
      return !(left < from!) && left <= to!
    }
  }
  if (trait) return (ctx) => traitHolds(op, ctx.account.traits?.[trait], c.value)
  if (planIn) return (ctx) => planIn.includes(ctx.account.plan)
  if (roleIn) return ({ user: { role } }) => roleIn.includes(role!) || roleIn.includes(isBuyer(rules, role) ? 'buyer' : 'non_buyer')
  return addon ? (ctx) => !!ctx.account.addons?.includes(addon) : () => false
}

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
 * Compiles an audience (`CompiledTrigger.checks`) once: the reason of its first check that does not hold, in
 * the order `compile()` wrote them, so the reason is stable.
 * @example compileAudience(rules, audienceChecks({ plans: ['free'] }))(ctx) // 'audience_plan' for a pro account
 */
export function compileAudience(rules: CompiledRules, checks: CompiledTrigger['checks']): AudienceCheck {
  const compiled = checks.map(([reason, condition]) => [reason, compileCondition(rules, condition)] as const)
  return (ctx) => {
    for (const [reason, holds] of compiled) if (!holds(ctx)) return reason
  }
}
