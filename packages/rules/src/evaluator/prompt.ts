// Builds the `Prompt` a trigger shows: variant copy, buyer or non-buyer copy, template variables filled.
import type { CompiledRules, CompiledTrigger, EvalAccount, EvalContext, Prompt, PromptTemplate, ResolvedTarget } from './types.ts'
import { limitOf, planIndex } from './targets.ts'
import type { Renderer } from './template.ts'
import { isSafeUrl } from './url.ts'

/** Renders a trigger's prompt for a variant template, an audience and a resolved target. */
export type PromptBuilder = (
  ctx: EvalContext,
  variant: string,
  template: PromptTemplate,
  buyer: boolean,
  target: ResolvedTarget | undefined,
) => Prompt

/**
 * A memoising prompt builder for one trigger: while the inputs of its copy are unchanged it returns the same
 * `Prompt` object, so re-evaluations render nothing and subscribers can compare prompts by identity. When
 * they change, each text is filled again only if a variable it reads changed (`render` remembers, and is
 * shared by the evaluator's triggers, so equal copy is rendered once).
 * @example createPromptBuilder(rules, trigger, createRenderer())(ctx, 'default', trigger.prompt, true, target).title
 */
export function createPromptBuilder(rules: CompiledRules, trigger: CompiledTrigger, render: Renderer): PromptBuilder {
  const { metric, feature } = trigger
  const { defaults } = rules
  let account: EvalAccount | undefined
  let limit: number | null = null
  let plan: string | undefined
  let inputs: unknown[] = []
  let last: Prompt
  let lastUrl: string | undefined
  let safe: boolean

  return (ctx, variant, template, buyer, target) => {
    const { account: current, usage, now } = ctx
    const used = metric === undefined ? undefined : (usage[metric] ?? 0)
    const locale = ctx.locale ?? defaults.locale
    const days = current.renewsAt === undefined ? undefined : Math.max(0, Math.ceil((current.renewsAt - now) / 86_400_000))
    const next = [template, variant, buyer, used, target, current, locale, days]
    if (next.every((value, index) => value === inputs[index])) return last
    inputs = next
    if (current !== account) {
      account = current
      limit = metric ? limitOf(rules, current, metric) : null
      plan = rules.plans[planIndex(rules, current.plan)]?.name
    }
    const vars = {
      used,
      limit: limit ?? undefined,
      remaining: limit === null ? undefined : Math.max(0, limit - used!),
      percent: limit ? Math.floor((used! * 100) / limit) : undefined,
      metric: metric && (rules.metrics[metric]?.label ?? metric),
      feature: feature && (rules.features[feature]?.label ?? feature),
      'plan.id': current.plan,
      'plan.name': plan,
      'target.id': target?.id,
      'target.name': target?.name,
      'target.limit': target?.limit ?? undefined,
      'target.price': target?.price.monthly,
      'target.annual_price': target?.price.annual,
      days_to_renewal: days,
    }
    // Non-buyers get `prompt.nonBuyer` over `defaults.nonBuyer` over the buyer copy: never the buyer's CTA.
    const copy = buyer ? template : { ...template, ...defaults.nonBuyer, ...template.nonBuyer }
    const cta = copy.cta ?? { label: target ? 'Upgrade to {target.name}' : 'Upgrade' }
    const text = (value: string | undefined, encode?: boolean) => render(value, vars, locale, defaults.currency, encode)
    const url = text(cta.url, true)
    if (url !== lastUrl) (lastUrl = url), (safe = !!url && isSafeUrl(url))
    return (last = {
      key: `${trigger.id}:${variant}`,
      trigger: trigger.id,
      variant,
      placement: template.placement,
      audience: buyer ? 'buyer' : 'non_buyer',
      title: text(copy.title)!,
      body: text(copy.body),
      cta: { label: text(cta.label)!, url: safe ? url : undefined },
      dismissLabel: text(copy.dismissLabel),
      target,
      feature,
      metric,
      priority: trigger.priority,
    })
  }
}
