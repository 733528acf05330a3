// Decides every trigger: audience → target → experiment → frequency → priority, one prompt per placement.
import type {
  CompiledRules, CompiledTrigger, Decisions, EvalAccount, EvalContext, Prompt, PromptTemplate, ResolvedTarget,
  SuppressReason, TriggerDecision, TriggerState,
} from './types.ts'
import { compileAudience, isBuyer } from './audience.ts'
import { assignVariant } from './bucket.ts'
import { compileCondition, type Predicate } from './conditions.ts'
import { frequencyBlock } from './frequency.ts'
import { createPromptBuilder } from './prompt.ts'
import { resolveTargetName } from './targets.ts'
import type { Renderer } from './template.ts'

/** A trigger compiled once. Its state lives in the closures, so re-evaluations allocate next to nothing. */
export interface PreparedTrigger {
  id: string
  priority: number
  /** The `detail` of the triggers this one outranks, built once. */
  outranks: string
  when: Predicate
  /** The decision of an unmatched trigger never changes: one object, reused. */
  unmatched: TriggerDecision
  /** Audience, target, experiment and frequency for a matched trigger: the slot its prompt competes for, if due. */
  check(ctx: EvalContext, state: (trigger: string) => TriggerState | undefined): string | undefined
  /** Held back by a due prompt of higher priority (or an earlier one of the same). */
  lose(winner: PreparedTrigger): void
  /** The decision of a matched trigger, with its rendered prompt when it won: the previous object while equal. */
  settle(ctx: EvalContext, buyer: boolean): TriggerDecision
}

/** Compiles a trigger's condition, audience and prompt once; `render` fills copy for all triggers. */
export function prepareTrigger(rules: CompiledRules, trigger: CompiledTrigger, render: Renderer): PreparedTrigger {
  const { id, priority, metric, feature } = trigger
  const audience = compileAudience(rules, trigger.audience)
  const build = createPromptBuilder(rules, trigger, render)
  const decision = (status: TriggerDecision['status'], reason?: SuppressReason, detail?: string, variant?: string, prompt?: Prompt): TriggerDecision =>
    ({ trigger: id, status, reason, detail, variant, prompt })
  // Worked out once per account object: the arm, its copy, the target and the slot.
  let account: EvalAccount | undefined
  let variant: string
  let template: PromptTemplate
  let target: ResolvedTarget | undefined
  let slot: string
  // This evaluation's outcome, and the latest decision.
  let status: TriggerDecision['status']
  let reason: SuppressReason | undefined
  let detail: string | undefined
  let arm: string | undefined
  let won = false
  let last = decision('not_matched')
  return {
    id,
    priority,
    outranks: `outranked by ${id} (priority ${priority})`,
    when: compileCondition(rules, trigger.when),
    unmatched: last,
    check(ctx, state) {
      detail = arm = undefined
      reason = audience(ctx)
      if (!reason) {
        if (ctx.account !== account) {
          account = ctx.account
          variant = assignVariant(trigger, account.id)
          template = { ...trigger.prompt, ...trigger.variants?.[variant] }
          slot = template.placement === 'inline' ? `inline:${feature ?? id}` : template.placement
          target = template.target ? resolveTargetName(rules, template.target, account, metric, feature) : undefined
        }
        const holdout = (arm = variant) === 'holdout'
        reason = template.target && !target ? 'no_target' : holdout ? undefined : frequencyBlock(trigger.frequency, state(id), ctx.now)
        status = reason ? 'suppressed' : holdout ? 'holdout' : 'show'
      } else status = 'suppressed'
      won = status === 'show'
      return won ? slot : undefined
    },
    lose(winner) {
      won = false
      status = 'suppressed'
      reason = 'outranked'
      detail = winner.outranks
    },
    settle(ctx, buyer) {
      const prompt = won ? build(ctx, variant, template, buyer, target) : undefined
      return last.status === status && last.reason === reason && last.variant === arm && last.prompt === prompt && last.detail === detail
        ? last
        : (last = decision(status, reason, detail, arm, prompt))
    },
  }
}

/**
 * One decision per trigger (rules order) and the prompt per placement. Among due prompts of a placement
 * (inline: of a feature, or of a trigger without a gate) the highest priority wins, ties go to the earlier
 * trigger, the rest are `outranked` (`detail` names the winner). Only the winners' copy is rendered, and a
 * decision equal to the trigger's previous one is that same object.
 * `values` holds the matches by trigger position when the evaluator has them, else `matched` is read.
 */
export function decideAll(
  rules: CompiledRules,
  entries: readonly PreparedTrigger[],
  ctx: EvalContext,
  values: readonly boolean[] | undefined,
  matched: ReadonlyMap<string, boolean>,
  state: (trigger: string) => TriggerState | undefined,
): Decisions {
  const winners: Record<string, PreparedTrigger> = {}
  const prompts: Decisions['prompts'] = {}
  const inline: Record<string, Prompt> = {}
  const decisions: TriggerDecision[] = []
  const due: number[] = []
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!
    decisions.push(entry.unmatched)
    if (!(values ? values[index] : matched.get(entry.id))) continue
    due.push(index)
    const slot = entry.check(ctx, state)
    const winner = slot ? winners[slot] : undefined
    if (winner && winner.priority >= entry.priority) entry.lose(winner)
    else if (slot) {
      winner?.lose(entry)
      winners[slot] = entry
    }
  }
  const buyer = isBuyer(rules, ctx.user.role)
  for (const index of due) {
    const { prompt } = (decisions[index] = entries[index]!.settle(ctx, buyer))
    if (prompt?.placement === 'inline') inline[prompt.feature ?? prompt.trigger] = prompt
    else if (prompt) prompts[prompt.placement] = prompt
  }
  return { decisions, prompts, inline }
}
