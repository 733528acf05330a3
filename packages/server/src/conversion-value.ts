// The MRR a conversion adds when billing does not say: the target's monthly price minus the plan left.
import type { CompiledRules, Price } from '@nudgekit/rules/evaluator'
import type { RequestIssue } from './http/errors.ts'

/** Monthly price: `monthly`, else `annual / 12`, else 0. */
export function monthlyPrice(price: Price): number {
  return price.monthly ?? (price.annual !== undefined ? price.annual / 12 : 0)
}

/** The plan ids of the rules, for hints. */
const planIds = (rules: CompiledRules) => rules.plans.map((p) => p.id).join(', ')
/** The plan and add-on ids of the rules, for hints. */
const targetIds = (rules: CompiledRules) => [...rules.plans, ...rules.addons].map((x) => x.id).join(', ')

/**
 * The warning for a conversion to `to` that is neither a plan nor an add-on of the rules, recorded with the
 * `mrr_delta` billing sent (a legacy plan, say); undefined for a known target.
 * @example unknownTarget(rules, 'enterprise')?.code // 'unknown_target'
 */
export function unknownTarget(rules: CompiledRules, to: string): RequestIssue | undefined {
  if (rules.plans.some((p) => p.id === to) || rules.addons.some((a) => a.id === to)) return undefined
  return {
    code: 'unknown_target',
    path: 'to',
    message: `'${to}' is neither a plan nor an add-on of the rules; the conversion was recorded with the mrr_delta sent`,
    hint: `If it is not a plan billing still sells from older rules, check it against the rules' ids: ${targetIds(rules)}.`,
  }
}

/**
 * The warning for a `from` that is not a plan of the rules, when billing sent `mrr_delta` (so `from` values
 * nothing and is not stored); undefined when absent or known.
 * @example unknownFrom(rules, 'fre')?.code // 'unknown_plan'
 */
export function unknownFrom(rules: CompiledRules, from: string | undefined): RequestIssue | undefined {
  if (from === undefined || rules.plans.some((p) => p.id === from)) return undefined
  return {
    code: 'unknown_plan',
    path: 'from',
    message: `'${from}' is not a plan of the rules; the conversion was recorded with the mrr_delta sent`,
    hint: `If it is not a plan billing still sells from older rules, check it against the rules' plans: ${planIds(rules)}.`,
  }
}

/**
 * MRR delta of moving to `to`: an add-on's monthly price, or a plan's monthly price minus that of `from`
 * (default: the plan below `to` on the ladder; the first plan counts from 0). An issue for unknown ids.
 * @example defaultMrrDelta(rules, 'pro', 'free') // 49
 */
export function defaultMrrDelta(rules: CompiledRules, to: string, from?: string): number | RequestIssue {
  const addon = rules.addons.find((a) => a.id === to)
  if (addon) return monthlyPrice(addon.price)
  const index = rules.plans.findIndex((p) => p.id === to)
  if (index === -1) {
    return {
      code: 'unknown_target',
      path: 'to',
      message: `'${to}' is neither a plan nor an add-on of the rules`,
      hint: `Pass mrr_delta, or one of: ${targetIds(rules)}`,
    }
  }
  const target = rules.plans[index]!
  if (from === undefined) {
    const below = rules.plans[index - 1]
    return monthlyPrice(target.price) - (below ? monthlyPrice(below.price) : 0)
  }
  const previous = rules.plans.find((p) => p.id === from)
  if (!previous) {
    return {
      code: 'unknown_plan',
      path: 'from',
      message: `'${from}' is not a plan of the rules`,
      hint: `Pass mrr_delta, or one of: ${planIds(rules)}`,
    }
  }
  return monthlyPrice(target.price) - monthlyPrice(previous.price)
}
