// Entitlements and offers: an account's limits and features, and what a prompt offers it.
import type { CompiledRules, CompiledTrigger, EvalAccount, ResolvedTarget } from './types.ts'

/** Position of a plan on the ladder, -1 when the rules do not know it. */
export function planIndex(rules: CompiledRules, id: string | undefined): number {
  return rules.plans.findIndex((plan) => plan.id === id)
}

/**
 * Limit of a metric for the account: its plan's limit plus its add-ons' amounts. `null` means unlimited:
 * the plan has no limit for the metric, or the rules do not know the plan. `plan` and `extra` ask what the
 * limit would be on another plan, or with one more add-on.
 * @example limitOf(rules, { id: 'a1', plan: 'free', addons: ['extra-contacts'] }, 'contacts') // 1000 + 5000
 */
export function limitOf(rules: CompiledRules, account: EvalAccount, metric: string, plan = account.plan, extra?: string): number | null {
  let limit = rules.plans[planIndex(rules, plan)]?.limits[metric] ?? null
  for (const { id, limits } of rules.addons) if (limit !== null && (id === extra || account.addons?.includes(id))) limit += limits[metric] ?? 0
  return limit
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
  const index = planIndex(rules, account.plan)
  const has = ({ features }: { features: string[] }) => features.includes(feature)
  const owned = rules.addons.filter(({ id }) => account.addons?.includes(id))
  if (rules.plans[index]?.features.includes(feature) || owned.some(has)) return { allowed: true }
  const plan = rules.plans.slice(index + 1).find(has)
  const addon = rules.addons.find((candidate) => has(candidate) && !owned.includes(candidate))
  return {
    allowed: false,
    requiredPlan: plan?.id,
    requiredAddon: addon && (addon.price.monthly ?? Infinity) < (plan?.price.monthly ?? Infinity) ? addon.id : undefined,
  }
}

/**
 * The first offer the account can take (`offers` of `CompiledTrigger.targets`: a plan, or an add-on it does
 * not own) with its limit of the metric once bought: the plan's instead of the account's, an add-on's on top.
 */
export function pickOffer(rules: CompiledRules, offers: number[][] | undefined, account: EvalAccount, metric: string | undefined): ResolvedTarget | undefined {
  const { plans } = rules
  for (const index of offers?.[planIndex(rules, account.plan) + 1] ?? []) {
    const plan = index < plans.length
    const { id, name, price } = plan ? plans[index]! : rules.addons[index - plans.length]!
    if (plan || !account.addons?.includes(id)) {
      return { kind: plan ? 'plan' : 'addon', id, name, price, limit: metric ? limitOf(rules, account, metric, plan ? id : account.plan, id) : undefined }
    }
  }
}

/**
 * Resolves a trigger's target (a plan or add-on id, `next_plan`, `next_plan_raising_limit`,
 * `cheapest_plan_with_feature`) for the account; `undefined` when there is nothing to offer.
 * @example resolveTarget(rules, rules.triggers[0], { id: 'a1', plan: 'free' }) // { kind: 'plan', id: 'pro', … }
 */
export function resolveTarget(rules: CompiledRules, trigger: CompiledTrigger, account: EvalAccount): ResolvedTarget | undefined {
  const name = trigger.prompt.target
  return name === undefined ? undefined : pickOffer(rules, trigger.targets[name], account, trigger.metric)
}
