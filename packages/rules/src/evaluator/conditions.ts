// Compiles each `Condition` once into a closure over the evaluation context.
import type { CompiledRules, Condition, EvalAccount, EvalContext, TraitOp } from './types.ts'
import { hasFeature, limitOf } from './targets.ts'

/** A compiled condition. */
export type Predicate = (ctx: EvalContext) => boolean

/**
 * Compares a trait with a condition's value. Ordering needs two numbers or two strings (ISO dates compare
 * as strings); `exists` with `value: false` asks for the trait to be absent.
 * @example traitHolds('gte', 25, 10) // true
 */
export function traitHolds(op: TraitOp, actual: unknown, expected: unknown): boolean {
  if (op === 'exists') return (actual !== undefined && actual !== null) !== (expected === false)
  if (op === 'eq') return actual === expected
  if (op === 'neq') return actual !== expected
  if (op === 'in' || op === 'not_in') return (Array.isArray(expected) && expected.includes(actual)) === (op === 'in')
  if (typeof actual !== typeof expected || (typeof actual !== 'number' && typeof actual !== 'string')) return false
  const [a, b] = [actual, expected] as [number, number]
  return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : op === 'lte' && a <= b
}

/**
 * Compiles a condition into a predicate. Semantics: `usage` percentages are of `limitOf` (unlimited → false),
 * `aboveLimit` is used > limit, `gate`/`event` need `countAtLeast` timestamps within `withinMs` of now (all
 * time without it), `renewalWithinMs` holds while renewsAt is in [now, now + ms], `accountAgeAtLeastMs` needs
 * a known createdAt. A condition kind this version does not know never matches.
 * @example compileCondition(rules, { usage: 'contacts', atLeast: { percent: 80 } })(ctx) // true at 800 of 1,000
 */
export function compileCondition(rules: CompiledRules, condition: Condition): Predicate {
  if ('all' in condition || 'any' in condition) {
    const all = 'all' in condition
    const parts = (all ? condition.all : condition.any).map((part) => compileCondition(rules, part))
    return (ctx) => {
      for (const part of parts) if (part(ctx) !== all) return !all
      return all
    }
  }
  if ('not' in condition) {
    const inner = compileCondition(rules, condition.not)
    return (ctx) => !inner(ctx)
  }
  if ('usage' in condition) {
    const metric = condition.usage
    const { value, percent } = ('atLeast' in condition ? condition.atLeast : {}) as { value?: number; percent?: number }
    let account: EvalAccount | undefined
    let limit: number | null = null
    return (ctx) => {
      const used = ctx.usage[metric] ?? 0
      if (value !== undefined) return used >= value
      if (ctx.account !== account) limit = limitOf(rules, (account = ctx.account), metric)
      return limit !== null && (percent === undefined ? used > limit : used * 100 >= limit * percent)
    }
  }
  if ('gate' in condition || 'event' in condition) {
    const [list, key] = 'gate' in condition ? (['gates', condition.gate] as const) : (['events', condition.event] as const)
    const { countAtLeast: count, withinMs = Infinity } = condition
    // Timestamps ascend, so the count-th most recent one alone decides: no scan, no search.
    return (ctx) => {
      const timestamps = ctx[list][key]
      return count <= 0 || (timestamps !== undefined && timestamps.length >= count && timestamps[timestamps.length - count]! >= ctx.now - withinMs)
    }
  }
  // An unknown date makes the difference NaN, and every comparison with NaN is false.
  if ('renewalWithinMs' in condition) {
    const within = condition.renewalWithinMs
    return (ctx) => {
      const left = (ctx.account.renewsAt ?? NaN) - ctx.now
      return left >= 0 && left <= within
    }
  }
  if ('accountAgeAtLeastMs' in condition) {
    const age = condition.accountAgeAtLeastMs
    return (ctx) => ctx.now - (ctx.account.createdAt ?? NaN) >= age
  }
  if ('trait' in condition) {
    const { trait, op, value } = condition
    return (ctx) => traitHolds(op, ctx.account.traits?.[trait], value)
  }
  if ('lacksFeature' in condition) return compileCondition(rules, { not: { hasFeature: condition.lacksFeature } })
  if ('lacksAddon' in condition) return compileCondition(rules, { not: { hasAddon: condition.lacksAddon } })
  if ('hasFeature' in condition) {
    const feature = condition.hasFeature
    return (ctx) => hasFeature(rules, ctx.account, feature)
  }
  if ('hasAddon' in condition) {
    const addon = condition.hasAddon
    return (ctx) => ctx.account.addons?.includes(addon) === true
  }
  return () => false
}
