// Compiles each `Condition` once into a closure over the evaluation context.
import type { CompiledRules, Condition, EvalContext, TraitOp } from './types.ts'
import { hasFeature, limitOf } from './targets.ts'

/** A compiled condition. */
export type Predicate = (ctx: EvalContext) => boolean

type Comparable = number | string

function ordered(test: (actual: Comparable, expected: Comparable) => boolean) {
  return (actual: unknown, expected: unknown): boolean =>
    typeof actual === typeof expected && (typeof actual === 'number' || typeof actual === 'string') &&
    test(actual, expected as Comparable)
}

function member(actual: unknown, expected: unknown): boolean {
  return Array.isArray(expected) && expected.includes(actual)
}

/** Trait comparisons. Ordering needs two numbers or two strings (ISO dates compare as strings). */
const TRAIT_TESTS: Record<TraitOp, (actual: unknown, expected: unknown) => boolean> = {
  eq: (actual, expected) => actual === expected,
  neq: (actual, expected) => actual !== expected,
  gt: ordered((actual, expected) => actual > expected),
  gte: ordered((actual, expected) => actual >= expected),
  lt: ordered((actual, expected) => actual < expected),
  lte: ordered((actual, expected) => actual <= expected),
  in: member,
  not_in: (actual, expected) => !member(actual, expected),
  // `value: false` asks for the trait to be absent.
  exists: (actual, expected) => (actual !== undefined && actual !== null) !== (expected === false),
}

/**
 * Whether at least `count` of the ascending timestamps are at or after `from`: the `count`-th most recent
 * one decides, so no scan and no search is needed.
 */
export function countAtLeast(timestamps: readonly number[] | undefined, count: number, from: number): boolean {
  if (count <= 0) return true
  return timestamps !== undefined && timestamps.length >= count && timestamps[timestamps.length - count]! >= from
}

function every(parts: Predicate[]): Predicate {
  const [first, second] = parts
  if (parts.length === 1) return first!
  if (parts.length === 2) return (ctx) => first!(ctx) && second!(ctx)
  return (ctx) => {
    for (const part of parts) if (!part(ctx)) return false
    return true
  }
}

function some(parts: Predicate[]): Predicate {
  const [first, second] = parts
  if (parts.length === 1) return first!
  if (parts.length === 2) return (ctx) => first!(ctx) || second!(ctx)
  return (ctx) => {
    for (const part of parts) if (part(ctx)) return true
    return false
  }
}

/**
 * Compiles a condition into a predicate. Semantics: `usage` percentages are of `limitOf` (unlimited → false),
 * `aboveLimit` is used > limit, `gate`/`event` count timestamps within `withinMs` of now (all time without
 * it), `renewalWithinMs` holds while renewsAt is in [now, now + ms], `accountAgeAtLeastMs` needs a known
 * createdAt. A condition kind this version does not know never matches.
 * @example compileCondition(rules, { usage: 'contacts', atLeast: { percent: 80 } })(ctx) // true at 800/1000
 */
export function compileCondition(rules: CompiledRules, condition: Condition): Predicate {
  if ('all' in condition) return condition.all.length ? every(condition.all.map((part) => compileCondition(rules, part))) : () => true
  if ('any' in condition) return condition.any.length ? some(condition.any.map((part) => compileCondition(rules, part))) : () => false
  if ('not' in condition) {
    const inner = compileCondition(rules, condition.not)
    return (ctx) => !inner(ctx)
  }
  if ('usage' in condition) {
    const metric = condition.usage
    if ('aboveLimit' in condition) {
      return (ctx) => {
        const limit = limitOf(rules, ctx.account, metric)
        return limit !== null && (ctx.usage[metric] ?? 0) > limit
      }
    }
    const { atLeast } = condition
    if ('value' in atLeast) {
      const value = atLeast.value
      return (ctx) => (ctx.usage[metric] ?? 0) >= value
    }
    const percent = atLeast.percent
    return (ctx) => {
      const limit = limitOf(rules, ctx.account, metric)
      return limit !== null && (ctx.usage[metric] ?? 0) * 100 >= limit * percent
    }
  }
  if ('gate' in condition || 'event' in condition) {
    const count = condition.countAtLeast
    const within = condition.withinMs ?? Infinity
    if ('gate' in condition) {
      const feature = condition.gate
      return (ctx) => countAtLeast(ctx.gates[feature], count, ctx.now - within)
    }
    const event = condition.event
    return (ctx) => countAtLeast(ctx.events[event], count, ctx.now - within)
  }
  if ('renewalWithinMs' in condition) {
    const within = condition.renewalWithinMs
    return (ctx) => {
      const renewsAt = ctx.account.renewsAt
      return renewsAt !== undefined && renewsAt >= ctx.now && renewsAt - ctx.now <= within
    }
  }
  if ('accountAgeAtLeastMs' in condition) {
    const age = condition.accountAgeAtLeastMs
    return (ctx) => ctx.account.createdAt !== undefined && ctx.now - ctx.account.createdAt >= age
  }
  if ('trait' in condition) {
    const { trait, value } = condition
    const test = TRAIT_TESTS[condition.op]
    if (!test) return () => false
    return (ctx) => test(ctx.account.traits?.[trait], value)
  }
  if ('hasFeature' in condition) {
    const feature = condition.hasFeature
    return (ctx) => hasFeature(rules, ctx.account, feature)
  }
  if ('lacksFeature' in condition) {
    const feature = condition.lacksFeature
    return (ctx) => !hasFeature(rules, ctx.account, feature)
  }
  if ('hasAddon' in condition) {
    const addon = condition.hasAddon
    return (ctx) => ctx.account.addons?.includes(addon) === true
  }
  if ('lacksAddon' in condition) {
    const addon = condition.lacksAddon
    return (ctx) => ctx.account.addons?.includes(addon) !== true
  }
  return () => false
}
