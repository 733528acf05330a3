// Entitlements and the upgrade ladder: an account's limits and features, and what a prompt offers next.
import type { CompiledAddon, CompiledPlan, CompiledRules, CompiledTrigger, EvalAccount, ResolvedTarget } from './types.ts'

/** Position of a plan on the ladder, -1 when the rules do not know it. */
export function planIndex(rules: CompiledRules, id: string | undefined): number {
  return rules.plans.findIndex((plan) => plan.id === id)
}

const owns = (account: EvalAccount, addon: CompiledAddon) => account.addons?.includes(addon.id)

/**
 * Limit of a metric for the account: its plan's limit plus its add-ons' amounts. `null` means unlimited:
 * the plan has no limit for the metric, or the rules do not know the plan.
 * @example limitOf(rules, { id: 'a1', plan: 'free', addons: ['extra-contacts'] }, 'contacts') // 1000 + 5000
 */
export function limitOf(rules: CompiledRules, account: EvalAccount, metric: string): number | null {
  let limit = rules.plans[planIndex(rules, account.plan)]?.limits[metric] ?? null
  for (const addon of rules.addons) if (limit !== null && owns(account, addon)) limit += addon.limits[metric] ?? 0
  return limit
}

/** Whether the account's plan or one of its add-ons includes the feature. */
export function hasFeature(rules: CompiledRules, account: EvalAccount, feature: string): boolean {
  return !!rules.plans[planIndex(rules, account.plan)]?.features.includes(feature) ||
    rules.addons.some((addon) => owns(account, addon) && addon.features.includes(feature))
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
  const addon = rules.addons.find((candidate) => candidate.features.includes(feature) && !owns(account, candidate))
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
 * add-on unless the account has it. A plan's limit counts the account's add-ons; an add-on's adds to the
 * account's limit, so for ladder plans "raising the limit" is the plan's own limit being higher.
 */
export function resolveTargetName(
  rules: CompiledRules,
  name: string,
  account: EvalAccount,
  metric: string | undefined,
  feature: string | undefined,
): ResolvedTarget | undefined {
  const { plans } = rules
  const current = planIndex(rules, account.plan)
  const above = current < 0 ? [] : plans.slice(current + 1)
  const buyable = [...above, ...rules.addons.filter((addon) => !owns(account, addon))]
  const isPlan = (item: CompiledPlan | CompiledAddon) => plans.includes(item as CompiledPlan)
  // The account's limit once it bought the item: a plan instead of its own, an add-on on top of its own.
  const limitWith = (item?: CompiledPlan | CompiledAddon) => metric === undefined ? undefined
    : limitOf(rules, item ? (isPlan(item) ? { ...account, plan: item.id } : { ...account, addons: [...(account.addons ?? []), item.id] }) : account, metric)
  const limit = limitWith()
  const item =
    name === 'next_plan' ? above[0]
    : name === 'next_plan_raising_limit' ? above.find((plan) => {
        const raised = limitWith(plan)
        return limit === undefined || (limit !== null && (raised === null || raised! > limit))
      })
    : name === 'cheapest_plan_with_feature' ? buyable.find((candidate) => candidate.features.includes(feature!))
    : [plans[current], ...buyable].find((candidate) => candidate?.id === name)
  return item && { kind: isPlan(item) ? 'plan' : 'addon', id: item.id, name: item.name, price: item.price, limit: limitWith(item) }
}

/**
 * Resolves a trigger's target (a plan or add-on id, `next_plan`, `next_plan_raising_limit`,
 * `cheapest_plan_with_feature`) for the account; `undefined` when there is nothing to offer.
 * @example resolveTarget(rules, rules.triggers[0], { id: 'a1', plan: 'free' }) // { kind: 'plan', id: 'pro', … }
 */
export function resolveTarget(rules: CompiledRules, trigger: CompiledTrigger, account: EvalAccount): ResolvedTarget | undefined {
  const name = trigger.prompt.target
  return name === undefined ? undefined : resolveTargetName(rules, name, account, trigger.metric, trigger.feature)
}
