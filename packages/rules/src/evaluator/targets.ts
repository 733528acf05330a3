// Entitlements and the upgrade ladder: an account's limits and features, and what a prompt offers next.
import type { CompiledAddon, CompiledPlan, CompiledRules, CompiledTrigger, EvalAccount, ResolvedTarget } from './types.ts'
import { subjectOf } from './deps.ts'

/** Position of a plan on the ladder, -1 when the rules do not know it. A loop: this runs on the hot path. */
export function planIndex(rules: CompiledRules, id: string | undefined): number {
  const { plans } = rules
  for (let index = 0; index < plans.length; index++) if (plans[index]!.id === id) return index
  return -1
}

/** A base limit plus what the add-ons add; `null` (unlimited) stays unlimited. */
function withAddons(rules: CompiledRules, base: number | null | undefined, addons: readonly string[] | undefined, metric: string): number | null {
  let limit = base ?? null
  if (limit !== null && addons) for (const id of addons) limit += rules.addons.find((addon) => addon.id === id)?.limits[metric] ?? 0
  return limit
}

/**
 * Limit of a metric for the account: its plan's limit plus its add-ons' amounts. `null` means unlimited:
 * the plan has no limit for the metric, or the rules do not know the plan.
 * @example limitOf(rules, { id: 'a1', plan: 'free', addons: ['extra-contacts'] }, 'contacts') // 1000 + 5000
 */
export function limitOf(rules: CompiledRules, account: EvalAccount, metric: string): number | null {
  return withAddons(rules, rules.plans[planIndex(rules, account.plan)]?.limits[metric], account.addons, metric)
}

/** Whether the account's plan or one of its add-ons includes the feature. */
export function hasFeature(rules: CompiledRules, account: EvalAccount, feature: string): boolean {
  if (rules.plans[planIndex(rules, account.plan)]?.features.includes(feature)) return true
  for (const addon of rules.addons) if (addon.features.includes(feature) && account.addons?.includes(addon.id)) return true
  return false
}

/**
 * Whether the account's plan/add-ons include a feature, and what would unlock it: the cheapest plan above
 * the account's that has it, and an add-on when no plan has it or the add-on costs less per month.
 * @example checkFeature(rules, { id: 'a1', plan: 'free' }, 'segmentation') // { allowed: false, requiredPlan: 'pro' }
 */
export function checkFeature(
  rules: CompiledRules,
  account: EvalAccount,
  feature: string,
): { allowed: boolean; requiredPlan?: string; requiredAddon?: string } {
  if (hasFeature(rules, account, feature)) return { allowed: true }
  const plan = rules.plans.slice(planIndex(rules, account.plan) + 1).find((candidate) => candidate.features.includes(feature))
  const addon = rules.addons.find((candidate) => candidate.features.includes(feature) && !account.addons?.includes(candidate.id))
  return {
    allowed: false,
    requiredPlan: plan?.id,
    requiredAddon: addon && (addon.price.monthly ?? Infinity) < (plan?.price.monthly ?? Infinity) ? addon.id : undefined,
  }
}

/**
 * Resolves a target name for an account. Ladder targets look above the account's plan (nothing at the top,
 * nothing when the plan is unknown); `cheapest_plan_with_feature` falls back to an add-on. An explicit plan
 * resolves unless it is below the account's plan (the same plan stays valid: a monthly → annual offer), an
 * add-on unless the account has it.
 */
export function resolveTargetName(
  rules: CompiledRules,
  name: string,
  account: EvalAccount,
  metric: string | undefined,
  feature: string | undefined,
): ResolvedTarget | undefined {
  const { plans, addons } = rules
  const current = planIndex(rules, account.plan)
  const above = current < 0 ? [] : plans.slice(current + 1)
  const limit = metric === undefined ? null : limitOf(rules, account, metric)
  const buyable = [...above, ...addons.filter((addon) => !account.addons?.includes(addon.id))]
  const limitWith = (item: CompiledPlan | CompiledAddon) =>
    metric === undefined ? undefined
    : plans.includes(item as CompiledPlan) ? withAddons(rules, item.limits[metric], account.addons, metric)
    : withAddons(rules, limit, [item.id], metric)
  const item =
    name === 'next_plan' ? above[0]
    : name === 'next_plan_raising_limit' ? above.find((plan) => {
        const raised = limitWith(plan)
        return metric === undefined || (limit !== null && (raised === null || raised! > limit))
      })
    : name === 'cheapest_plan_with_feature' ? buyable.find((candidate) => feature !== undefined && candidate.features.includes(feature))
    : [plans[current]!, ...buyable].find((candidate) => candidate?.id === name)
  return item && { kind: plans.includes(item as CompiledPlan) ? 'plan' : 'addon', id: item.id, name: item.name, price: item.price, limit: limitWith(item) }
}

/**
 * Resolves a trigger's target (a plan or add-on id, `next_plan`, `next_plan_raising_limit`,
 * `cheapest_plan_with_feature`) for the account; `undefined` when there is nothing to offer.
 * @example resolveTarget(rules, rules.triggers[0], { id: 'a1', plan: 'free' }) // { kind: 'plan', id: 'pro', … }
 */
export function resolveTarget(rules: CompiledRules, trigger: CompiledTrigger, account: EvalAccount): ResolvedTarget | undefined {
  const name = trigger.prompt.target
  return name === undefined ? undefined : resolveTargetName(rules, name, account, subjectOf(trigger.when, 'usage'), subjectOf(trigger.when, 'gate'))
}
