// Entitlements and the upgrade ladder: an account's limits and features, and what a prompt offers next.
import type { CompiledAddon, CompiledPlan, CompiledRules, CompiledTrigger, EvalAccount, ResolvedTarget } from './types.ts'
import { subjectOf } from './deps.ts'

/** Position of a plan on the ladder, -1 when the rules do not know it. */
export function planIndex(rules: CompiledRules, id: string): number {
  const { plans } = rules
  for (let index = 0; index < plans.length; index++) if (plans[index]!.id === id) return index
  return -1
}

function addonOf(rules: CompiledRules, id: string): CompiledAddon | undefined {
  for (const addon of rules.addons) if (addon.id === id) return addon
  return undefined
}

/** A base limit plus what the add-ons add; `null` (unlimited) stays unlimited. */
function withAddons(rules: CompiledRules, base: number | null | undefined, addons: readonly string[] | undefined, metric: string): number | null {
  if (base === null || base === undefined) return null
  let limit = base
  if (addons) for (const id of addons) limit += addonOf(rules, id)?.limits[metric] ?? 0
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

function unlocks(owner: CompiledPlan | CompiledAddon | undefined, feature: string): boolean {
  return owner !== undefined && owner.features.includes(feature)
}

/** Whether the account's plan or one of its add-ons includes the feature. */
export function hasFeature(rules: CompiledRules, account: EvalAccount, feature: string): boolean {
  return (
    unlocks(rules.plans[planIndex(rules, account.plan)], feature) ||
    (account.addons ?? []).some((id) => unlocks(addonOf(rules, id), feature))
  )
}

/** The first plan above the account's (the whole ladder when its plan is unknown) that has the feature. */
function planWith(rules: CompiledRules, account: EvalAccount, feature: string): CompiledPlan | undefined {
  return rules.plans.slice(planIndex(rules, account.plan) + 1).find((plan) => unlocks(plan, feature))
}

function addonWith(rules: CompiledRules, account: EvalAccount, feature: string): CompiledAddon | undefined {
  return rules.addons.find((addon) => unlocks(addon, feature) && !account.addons?.includes(addon.id))
}

/**
 * Whether the account's plan/add-ons include a feature, and what would unlock it: the cheapest higher plan
 * that has it, and an add-on when no plan has it or the add-on costs less per month than that plan.
 * @example checkFeature(rules, { id: 'a1', plan: 'free' }, 'segmentation') // { allowed: false, requiredPlan: 'pro' }
 */
export function checkFeature(
  rules: CompiledRules,
  account: EvalAccount,
  feature: string,
): { allowed: boolean; requiredPlan?: string; requiredAddon?: string } {
  if (hasFeature(rules, account, feature)) return { allowed: true }
  const plan = planWith(rules, account, feature)
  const addon = addonWith(rules, account, feature)
  const result: { allowed: boolean; requiredPlan?: string; requiredAddon?: string } = { allowed: false }
  if (plan) result.requiredPlan = plan.id
  if (addon && (!plan || (addon.price.monthly ?? Infinity) < (plan.price.monthly ?? Infinity))) result.requiredAddon = addon.id
  return result
}

function planTarget(rules: CompiledRules, plan: CompiledPlan | undefined, account: EvalAccount, metric: string | undefined): ResolvedTarget | undefined {
  if (!plan) return undefined
  const target: ResolvedTarget = { kind: 'plan', id: plan.id, name: plan.name, price: plan.price }
  if (metric !== undefined) target.limit = withAddons(rules, plan.limits[metric], account.addons, metric)
  return target
}

function addonTarget(rules: CompiledRules, addon: CompiledAddon | undefined, account: EvalAccount, metric: string | undefined): ResolvedTarget | undefined {
  if (!addon || account.addons?.includes(addon.id)) return undefined
  const target: ResolvedTarget = { kind: 'addon', id: addon.id, name: addon.name, price: addon.price }
  if (metric !== undefined) target.limit = withAddons(rules, limitOf(rules, account, metric), [addon.id], metric)
  return target
}

/**
 * Resolves a target name for an account. Ladder targets look above the account's plan and resolve to
 * nothing at the top of the ladder or when the plan is unknown; an explicit plan resolves unless it is
 * below the account's plan (the same plan stays valid: a monthly → annual offer), an explicit add-on
 * unless the account already has it.
 */
export function resolveTargetName(
  rules: CompiledRules,
  name: string,
  account: EvalAccount,
  metric: string | undefined,
  feature: string | undefined,
): ResolvedTarget | undefined {
  const current = planIndex(rules, account.plan)
  const above = current < 0 ? [] : rules.plans.slice(current + 1)
  if (name === 'next_plan' || (name === 'next_plan_raising_limit' && metric === undefined)) {
    return planTarget(rules, above[0], account, metric)
  }
  if (name === 'next_plan_raising_limit') {
    const limit = limitOf(rules, account, metric!)
    if (limit === null) return undefined
    const raising = above.find((plan) => {
      const raised = withAddons(rules, plan.limits[metric!], account.addons, metric!)
      return raised === null || raised > limit
    })
    return planTarget(rules, raising, account, metric)
  }
  if (name === 'cheapest_plan_with_feature') {
    if (feature === undefined || current < 0) return undefined
    return planTarget(rules, planWith(rules, account, feature), account, metric) ?? addonTarget(rules, addonWith(rules, account, feature), account, metric)
  }
  const explicit = planIndex(rules, name)
  if (explicit < 0) return addonTarget(rules, addonOf(rules, name), account, metric)
  return explicit < current ? undefined : planTarget(rules, rules.plans[explicit], account, metric)
}

/**
 * Resolves a trigger's target (a plan or add-on id, `next_plan`, `next_plan_raising_limit`,
 * `cheapest_plan_with_feature`) for the account; `undefined` when there is nothing to offer.
 * @example resolveTarget(rules, rules.triggers[0], { id: 'a1', plan: 'free' }) // { kind: 'plan', id: 'pro', … }
 */
export function resolveTarget(rules: CompiledRules, trigger: CompiledTrigger, account: EvalAccount): ResolvedTarget | undefined {
  const name = trigger.prompt.target
  if (name === undefined) return undefined
  return resolveTargetName(rules, name, account, subjectOf(trigger.when, 'usage'), subjectOf(trigger.when, 'gate'))
}
