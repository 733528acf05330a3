// Decides every trigger: audience → target → experiment → frequency → priority, one prompt per placement.
import type {
  CompiledRules, CompiledTrigger, Decisions, EvalContext, Placement, Prompt, PromptTemplate, SuppressReason,
  TriggerDecision, TriggerState,
} from './types.ts'
import { compileAudience, isBuyer, type AudienceCheck } from './audience.ts'
import { armsOf, assignVariant } from './bucket.ts'
import { compileCondition, type Predicate } from './conditions.ts'
import { subjectOf } from './deps.ts'
import { frequencyBlock } from './frequency.ts'
import { createPromptBuilder, templateOf, type PromptBuilder } from './prompt.ts'
import { resolveTargetName } from './targets.ts'

/** A trigger with everything precomputed once: closures, its subject and memoised variant and copy. */
export interface PreparedTrigger {
  trigger: CompiledTrigger
  when: Predicate
  audience: AudienceCheck
  metric: string | undefined
  feature: string | undefined
  prompt: PromptBuilder
  /** The decision for an unmatched trigger never changes: one object, reused. */
  notMatched: TriggerDecision
  /** Variant template cache (the merged overrides), by variant name. */
  templates: Record<string, PromptTemplate>
  /** The last account bucketed and its arm: bucketing hashes once per account, not per evaluation. */
  account?: string
  variant: string
}

/** Precomputes a trigger's closures and caches. */
export function prepareTrigger(rules: CompiledRules, trigger: CompiledTrigger): PreparedTrigger {
  return {
    trigger,
    when: compileCondition(rules, trigger.when),
    audience: compileAudience(rules, trigger.audience),
    metric: subjectOf(trigger.when, 'usage'),
    feature: subjectOf(trigger.when, 'gate'),
    prompt: createPromptBuilder(rules, trigger),
    notMatched: { trigger: trigger.id, status: 'not_matched', detail: 'condition is false' },
    templates: {},
    variant: armsOf(trigger)[0]!,
  }
}

function explain(reason: SuppressReason, ctx: EvalContext, entry: PreparedTrigger, state: TriggerState | undefined): string {
  const { trigger } = entry
  switch (reason) {
    case 'audience_plan': return `plan '${ctx.account.plan}' is not in audience.plans`
    case 'audience_role': return `role '${ctx.user.role ?? ''}' is not in audience.roles`
    case 'account_age': return ctx.account.createdAt === undefined ? 'account creation date is unknown' : 'account is younger than audience.min_account_age'
    case 'audience_trait': return 'audience.traits do not hold'
    case 'no_target': return `nothing to offer above plan '${ctx.account.plan}'`
    case 'accepted': return 'accepted before; stop_after_accept'
    case 'snoozed': return `snoozed until ${new Date(state!.snoozedUntil!).toISOString()}`
    case 'cooldown': return `shown ${Math.round((ctx.now - state!.lastShownAt!) / 60_000)} min ago; cooldown not over`
    case 'max_impressions': return `${state!.impressions} of ${trigger.frequency.maxImpressions} impressions`
    case 'max_per_session': return `${state!.sessionImpressions} of ${trigger.frequency.maxPerSession} impressions this session`
    default: return `${state!.dayImpressions} of ${trigger.frequency.maxPerDay} impressions today`
  }
}

function suppressed(entry: PreparedTrigger, reason: SuppressReason, detail: string, variant?: string, prompt?: Prompt): TriggerDecision {
  const decision: TriggerDecision = { trigger: entry.trigger.id, status: 'suppressed', reason, detail }
  if (variant !== undefined) decision.variant = variant
  if (prompt) decision.prompt = prompt
  return decision
}

function outrank(decision: TriggerDecision, winner: Prompt): void {
  decision.status = 'suppressed'
  decision.reason = 'outranked'
  decision.detail = `outranked by ${winner.trigger} (priority ${winner.priority})`
}

/**
 * One decision per trigger (rules order) and the prompt per placement. Among due prompts of a placement
 * (inline: of a feature, or of a trigger without a gate) the highest priority wins, ties go to the earlier
 * trigger, the rest are `outranked`. Held-out accounts see nothing from that trigger.
 */
export function decideAll(
  rules: CompiledRules,
  entries: readonly PreparedTrigger[],
  ctx: EvalContext,
  matched: ReadonlyMap<string, boolean>,
  state: (trigger: string) => TriggerState | undefined,
): Decisions {
  const decisions: TriggerDecision[] = []
  const winners: Partial<Record<Placement, TriggerDecision>> = {}
  const inlineWinners: Record<string, TriggerDecision> = {}
  const buyer = isBuyer(rules, ctx.user.role)
  for (const entry of entries) {
    const { trigger } = entry
    if (!matched.get(trigger.id)) {
      decisions.push(entry.notMatched)
      continue
    }
    const outside = entry.audience(ctx)
    if (outside) {
      decisions.push(suppressed(entry, outside, explain(outside, ctx, entry, undefined)))
      continue
    }
    if (entry.account !== ctx.account.id) {
      entry.account = ctx.account.id
      entry.variant = assignVariant(trigger, ctx.account.id)
    }
    const variant = entry.variant
    const template = (entry.templates[variant] ??= templateOf(trigger, variant))
    const target = template.target === undefined ? undefined : resolveTargetName(rules, template.target, ctx.account, entry.metric, entry.feature)
    if (template.target !== undefined && !target) {
      decisions.push(suppressed(entry, 'no_target', explain('no_target', ctx, entry, undefined), variant))
      continue
    }
    if (variant === 'holdout') {
      decisions.push({ trigger: trigger.id, status: 'holdout', variant, detail: `account is in the ${trigger.holdoutPercent}% holdout` })
      continue
    }
    const prompt = entry.prompt(ctx, variant, template, buyer, target)
    const triggerState = state(trigger.id)
    const blocked = frequencyBlock(trigger.frequency, triggerState, ctx.now)
    if (blocked) {
      decisions.push(suppressed(entry, blocked, explain(blocked, ctx, entry, triggerState), variant, prompt))
      continue
    }
    const decision: TriggerDecision = { trigger: trigger.id, status: 'show', variant, prompt }
    decisions.push(decision)
    const slots: Record<string, TriggerDecision> = prompt.placement === 'inline' ? inlineWinners : winners
    const slot = prompt.placement === 'inline' ? (prompt.feature ?? trigger.id) : prompt.placement
    const winner = slots[slot]
    if (winner && winner.prompt!.priority >= prompt.priority) outrank(decision, winner.prompt!)
    else {
      if (winner) outrank(winner, prompt)
      slots[slot] = decision
    }
  }
  const prompts: Decisions['prompts'] = {}
  for (const placement in winners) prompts[placement as Exclude<Placement, 'inline'>] = winners[placement as Placement]!.prompt
  const inline: Record<string, Prompt> = {}
  for (const key in inlineWinners) inline[key] = inlineWinners[key]!.prompt!
  return { decisions, prompts, inline }
}
