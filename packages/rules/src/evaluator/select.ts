// Decides every trigger: audience → target → experiment → frequency → priority, one prompt per placement.
import type {
  CompiledRules, CompiledTrigger, Decisions, EvalAccount, EvalContext, Prompt, PromptTemplate, ResolvedTarget,
  SuppressReason, TriggerDecision, TriggerState,
} from './types.ts'
import { compileAudience, isBuyer, type AudienceCheck } from './audience.ts'
import { assignVariant } from './bucket.ts'
import { compileCondition, type Predicate } from './conditions.ts'
import { subjectOf } from './deps.ts'
import { frequencyBlock } from './frequency.ts'
import { createPromptBuilder, templateOf, type PromptBuilder } from './prompt.ts'
import { resolveTargetName } from './targets.ts'

/** A trigger with its closures compiled once, and what it last worked out for an account. */
export interface PreparedTrigger {
  trigger: CompiledTrigger
  when: Predicate
  audience: AudienceCheck
  prompt: PromptBuilder
  /** The decision of an unmatched trigger never changes: one object, reused. */
  notMatched: TriggerDecision
  /** The account that `variant`, `template`, `target` and `slot` were worked out for. */
  account?: EvalAccount
  variant: string
  template: PromptTemplate
  target?: ResolvedTarget
  /** Where the prompt competes: its placement, or `inline:` and the gated feature (else the trigger id). */
  slot: string
  /** The latest decision: reused while it stays the same, the current one while winners are picked. */
  decision: TriggerDecision
}

function decision(trigger: string, status: TriggerDecision['status'], reason?: SuppressReason, variant?: string): TriggerDecision {
  return { trigger, status, reason, detail: undefined, variant, prompt: undefined }
}

/** Compiles a trigger's condition, audience and prompt once. */
export function prepareTrigger(rules: CompiledRules, trigger: CompiledTrigger): PreparedTrigger {
  const notMatched = decision(trigger.id, 'not_matched')
  return {
    trigger,
    when: compileCondition(rules, trigger.when),
    audience: compileAudience(rules, trigger.audience),
    prompt: createPromptBuilder(rules, trigger),
    notMatched,
    variant: 'default',
    template: trigger.prompt,
    slot: '',
    decision: notMatched,
  }
}

/** The decision of a trigger held back or held out: the previous object while nothing about it changed. */
function settle(entry: PreparedTrigger, status: TriggerDecision['status'], reason: SuppressReason | undefined, variant?: string): TriggerDecision {
  const last = entry.decision
  return last.status === status && last.reason === reason && last.variant === variant && !last.prompt
    ? last
    : (entry.decision = decision(entry.trigger.id, status, reason, variant))
}

/** Bucketing, variant copy and the ladder walk only run again for another account object. */
function refresh(rules: CompiledRules, entry: PreparedTrigger, account: EvalAccount): void {
  const { trigger } = entry
  if (entry.account === account) return
  entry.account = account
  entry.variant = assignVariant(trigger, account.id)
  const template = (entry.template = templateOf(trigger, entry.variant))
  const feature = subjectOf(trigger.when, 'gate')
  entry.slot = template.placement === 'inline' ? `inline:${feature ?? trigger.id}` : template.placement
  entry.target = template.target === undefined ? undefined
    : resolveTargetName(rules, template.target, account, subjectOf(trigger.when, 'usage'), feature)
}

function outrank(loser: PreparedTrigger, winner: PreparedTrigger): void {
  loser.decision.status = 'suppressed'
  loser.decision.reason = 'outranked'
  loser.decision.detail = `outranked by ${winner.trigger.id} (priority ${winner.trigger.priority})`
}

/**
 * One decision per trigger (rules order) and the prompt per placement. Among due prompts of a placement
 * (inline: of a feature, or of a trigger without a gate) the highest priority wins, ties go to the earlier
 * trigger, the rest are `outranked` (`detail` names the winner). Only the winners' copy is rendered.
 */
export function decideAll(
  rules: CompiledRules,
  entries: readonly PreparedTrigger[],
  ctx: EvalContext,
  matched: ReadonlyMap<string, boolean>,
  state: (trigger: string) => TriggerState | undefined,
): Decisions {
  const winners: Record<string, PreparedTrigger> = {}
  const prompts: Decisions['prompts'] = {}
  const inline: Record<string, Prompt> = {}
  const decisions = entries.map((entry) => {
    const { trigger } = entry
    const id = trigger.id
    let reason = matched.get(id) ? entry.audience(ctx) : 'not_matched'
    if (reason) return reason === 'not_matched' ? entry.notMatched : settle(entry, 'suppressed', reason)
    refresh(rules, entry, ctx.account)
    const { variant, template, slot } = entry
    const holdout = variant === 'holdout'
    reason = template.target !== undefined && !entry.target ? 'no_target' : holdout ? undefined : frequencyBlock(trigger.frequency, state(id), ctx.now)
    if (reason || holdout) return settle(entry, reason ? 'suppressed' : 'holdout', reason, variant)
    const current = (entry.decision = decision(id, 'show', undefined, variant))
    const winner = winners[slot]
    if (winner && winner.trigger.priority >= trigger.priority) outrank(entry, winner)
    else {
      if (winner) outrank(winner, entry)
      winners[slot] = entry
    }
    return current
  })
  const buyer = isBuyer(rules, ctx.user.role)
  for (const slot in winners) {
    const { decision, template, variant, target } = winners[slot]!
    const prompt = (decision.prompt = winners[slot]!.prompt(ctx, variant, template, buyer, target))
    if (template.placement === 'inline') inline[prompt.feature ?? prompt.trigger] = prompt
    else prompts[template.placement] = prompt
  }
  return { decisions, prompts, inline }
}
