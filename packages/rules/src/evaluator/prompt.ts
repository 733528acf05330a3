// Builds the `Prompt` a trigger shows: variant copy, buyer or non-buyer copy, template variables filled.
import type { CompiledRules, CompiledTrigger, EvalContext, Prompt, PromptTemplate, ResolvedTarget } from './types.ts'
import { subjectOf } from './deps.ts'
import { limitOf, planIndex } from './targets.ts'
import { fillTemplate, renderTemplate } from './template.ts'
import { isSafeUrl } from './url.ts'

/** Renders a trigger's prompt for a variant template, an audience and a resolved target. */
export type PromptBuilder = (
  ctx: EvalContext,
  variant: string,
  template: PromptTemplate,
  buyer: boolean,
  target: ResolvedTarget | undefined,
) => Prompt

/** The prompt template of a variant: its overrides over the trigger's prompt. */
export function templateOf(trigger: CompiledTrigger, variant: string): PromptTemplate {
  const overrides = trigger.variants?.[variant]
  return overrides ? { ...trigger.prompt, ...overrides } : trigger.prompt
}

/**
 * A memoising prompt builder for one trigger: while the inputs of its copy are unchanged it returns the same
 * `Prompt` object, so re-evaluations render nothing and subscribers can compare prompts by identity.
 * @example createPromptBuilder(rules, trigger)(ctx, 'default', trigger.prompt, true, target).title
 */
export function createPromptBuilder(rules: CompiledRules, trigger: CompiledTrigger): PromptBuilder {
  const metric = subjectOf(trigger.when, 'usage')
  const feature = subjectOf(trigger.when, 'gate')
  const { defaults } = rules
  let inputs: unknown[] = []
  let last: Prompt | undefined
  let lastUrl: string | undefined
  let safe = false

  return (ctx, variant, template, buyer, target) => {
    const { account } = ctx
    const used = metric === undefined ? undefined : (ctx.usage[metric] ?? 0)
    const limit = metric === undefined ? null : limitOf(rules, account, metric)
    const days = account.renewsAt === undefined ? undefined : Math.max(0, Math.ceil((account.renewsAt - ctx.now) / 86_400_000))
    const locale = ctx.locale ?? defaults.locale
    const next = [template, variant, buyer, used, limit, target?.id, target?.limit, account.plan, locale, days]
    if (last && next.every((value, index) => value === inputs[index])) return last
    inputs = next

    const vars: Record<string, string | number | undefined> = {
      used,
      limit: limit ?? undefined,
      remaining: limit === null ? undefined : Math.max(0, limit - used!),
      percent: limit ? Math.floor((used! * 100) / limit) : undefined,
      metric: metric && (rules.metrics[metric]?.label ?? metric),
      feature: feature && (rules.features[feature]?.label ?? feature),
      'plan.id': account.plan,
      'plan.name': rules.plans[planIndex(rules, account.plan)]?.name,
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
    const text = (value: string | undefined) => value && renderTemplate(value, vars, locale, defaults.currency)
    const url = cta.url && fillTemplate(cta.url, (name) => encodeURIComponent(vars[name] ?? ''))
    if (url !== lastUrl) {
      lastUrl = url
      safe = url !== undefined && isSafeUrl(url)
    }
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
