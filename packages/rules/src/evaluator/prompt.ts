// Builds the `Prompt` a trigger shows: variant copy, buyer or non-buyer copy, template variables filled.
import type { CompiledRules, CompiledTrigger, EvalContext, Prompt, PromptTemplate, ResolvedTarget } from './types.ts'
import { subjectOf } from './deps.ts'
import { limitOf, planIndex } from './targets.ts'
import { fillTemplate, renderTemplate } from './template.ts'
import { isSafeUrl } from './url.ts'

const DAY_MS = 86_400_000

/** Renders a trigger's prompt for a variant, audience and resolved target. */
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
 * The template variables for a context: usage against the limit, labels, the current plan, the target
 * and days to renewal. Absent values stay `undefined` and render as empty text.
 */
export function promptVariables(
  rules: CompiledRules,
  ctx: EvalContext,
  metric: string | undefined,
  feature: string | undefined,
  limit: number | null,
  target: ResolvedTarget | undefined,
): Record<string, string | number | undefined> {
  const used = metric === undefined ? undefined : (ctx.usage[metric] ?? 0)
  const renewsAt = ctx.account.renewsAt
  return {
    used,
    limit: limit ?? undefined,
    remaining: limit === null || used === undefined ? undefined : Math.max(0, limit - used),
    percent: limit && used !== undefined ? Math.floor((used * 100) / limit) : undefined,
    metric: metric === undefined ? undefined : (rules.metrics[metric]?.label ?? metric),
    feature: feature === undefined ? undefined : (rules.features[feature]?.label ?? feature),
    'plan.id': ctx.account.plan,
    'plan.name': rules.plans[planIndex(rules, ctx.account.plan)]?.name,
    'target.id': target?.id,
    'target.name': target?.name,
    'target.limit': target?.limit ?? undefined,
    'target.price': target?.price.monthly,
    'target.annual_price': target?.price.annual,
    days_to_renewal: renewsAt === undefined ? undefined : Math.max(0, Math.ceil((renewsAt - ctx.now) / DAY_MS)),
  }
}

/**
 * A memoising prompt builder for one trigger: while the inputs the copy depends on are unchanged it returns
 * the same `Prompt` object, so re-evaluations allocate nothing and subscribers can compare by identity.
 * @example createPromptBuilder(rules, trigger)(ctx, 'default', trigger.prompt, true, target).title
 */
export function createPromptBuilder(rules: CompiledRules, trigger: CompiledTrigger): PromptBuilder {
  const metric = subjectOf(trigger.when, 'usage')
  const feature = subjectOf(trigger.when, 'gate')
  const { nonBuyer } = rules.defaults
  let last: Prompt | undefined
  const inputs: unknown[] = []
  let stale = true
  const input = (index: number, value: unknown) => {
    if (inputs[index] !== value) {
      inputs[index] = value
      stale = true
    }
  }

  return (ctx, variant, template, buyer, target) => {
    const limit = metric === undefined ? null : limitOf(rules, ctx.account, metric)
    const locale = ctx.locale ?? rules.defaults.locale
    const renewsAt = ctx.account.renewsAt
    input(0, template)
    input(1, buyer)
    input(2, metric === undefined ? undefined : ctx.usage[metric])
    input(3, limit)
    input(4, target?.id)
    input(5, target?.limit)
    input(6, ctx.account.plan)
    input(7, locale)
    input(8, renewsAt === undefined ? undefined : Math.ceil((renewsAt - ctx.now) / DAY_MS))
    input(9, variant)
    if (last && !stale) return last
    stale = false

    const vars = promptVariables(rules, ctx, metric, feature, limit, target)
    const render = (text: string) => renderTemplate(text, vars, locale, rules.defaults.currency)
    const copy = buyer ? undefined : template.nonBuyer
    const cta = buyer ? (template.cta ?? { label: target ? 'Upgrade to {target.name}' : 'Upgrade' }) : (copy?.cta ?? nonBuyer.cta)
    const body = buyer ? template.body : (copy?.body ?? nonBuyer.body ?? template.body)
    const prompt: Prompt = {
      key: `${trigger.id}:${variant}`,
      trigger: trigger.id,
      variant,
      placement: template.placement,
      audience: buyer ? 'buyer' : 'non_buyer',
      title: render(buyer ? template.title : (copy?.title ?? nonBuyer.title ?? template.title)),
      cta: { label: render(cta.label) },
      priority: trigger.priority,
    }
    if (body !== undefined) prompt.body = render(body)
    if (cta.url !== undefined) {
      const url = fillTemplate(cta.url, (name) => encodeURIComponent(String(vars[name] ?? '')))
      if (isSafeUrl(url)) prompt.cta.url = url
    }
    if (template.dismissLabel !== undefined) prompt.dismissLabel = render(template.dismissLabel)
    if (target) prompt.target = target
    if (feature !== undefined) prompt.feature = feature
    if (metric !== undefined) prompt.metric = metric
    return (last = prompt)
  }
}
