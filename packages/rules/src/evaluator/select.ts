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

/** A trigger with its closures compiled once, what it worked out for an account, and its latest decision. */
export interface PreparedTrigger {
  trigger: CompiledTrigger
  when: Predicate
  audience: AudienceCheck
  prompt: PromptBuilder
  /** The account that `variant`, `template`, `target` and `slot` were worked out for. */
  account?: EvalAccount
  variant: string
  template: PromptTemplate
  target?: ResolvedTarget
  /** Where the prompt competes: its placement, or `inline:` and the gated feature (else the trigger id). */
  slot: string
  /** The `detail` of the triggers this one outranks, built once. */
  outranks: string
  /** The decision of an unmatched trigger never changes: one object, reused. */
  notMatched: TriggerDecision
  /** The latest decision of a matched trigger: returned again while nothing in it changed. */
  decision: TriggerDecision
  /** This evaluation's outcome, before it becomes a decision. */
  status: TriggerDecision['status']
  reason?: SuppressReason
  detail?: string
  /** The arm this evaluation reports: none until the audience holds. */
  arm?: string
  /** Whether the prompt won its slot in this evaluation. */
  won: boolean
}

function decision(trigger: string, status: TriggerDecision['status'], reason?: SuppressReason, detail?: string, variant?: string, prompt?: Prompt): TriggerDecision {
  return { trigger, status, reason, detail, variant, prompt }
}

/** Compiles a trigger's condition, audience and prompt once. */
export function prepareTrigger(rules: CompiledRules, trigger: CompiledTrigger): PreparedTrigger {
  // Every field set up front: one object shape for all triggers keeps the decision loop monomorphic.
  return {
    trigger,
    when: compileCondition(rules, trigger.when),
    audience: compileAudience(rules, trigger.audience),
    prompt: createPromptBuilder(rules, trigger),
    account: undefined,
    variant: 'default',
    template: trigger.prompt,
    target: undefined,
    slot: '',
    outranks: `outranked by ${trigger.id} (priority ${trigger.priority})`,
    notMatched: decision(trigger.id, 'not_matched'),
    decision: decision(trigger.id, 'not_matched'),
    status: 'not_matched',
    reason: undefined,
    detail: undefined,
    arm: undefined,
    won: false,
  }
}

/** Bucketing, variant copy and the ladder walk only run again for another account object. */
function refresh(rules: CompiledRules, entry: PreparedTrigger, account: EvalAccount): void {
  const { trigger } = entry
  if (entry.account === account) return
  entry.account = account
  const template = (entry.template = templateOf(trigger, (entry.variant = assignVariant(trigger, account.id))))
  const feature = subjectOf(trigger.when, 'gate')
  entry.slot = template.placement === 'inline' ? `inline:${feature ?? trigger.id}` : template.placement
  entry.target = template.target === undefined ? undefined
    : resolveTargetName(rules, template.target, account, subjectOf(trigger.when, 'usage'), feature)
}

function outrank(loser: PreparedTrigger, winner: PreparedTrigger): void {
  loser.won = false
  loser.status = 'suppressed'
  loser.reason = 'outranked'
  loser.detail = winner.outranks
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
    const { trigger } = entry
    if (!(values ? values[index] : matched.get(trigger.id))) {
      decisions.push(entry.notMatched)
      continue
    }
    due.push(index)
    decisions.push(entry.decision)
    entry.won = false
    entry.detail = entry.arm = undefined
    let reason = entry.audience(ctx)
    if (!reason) {
      refresh(rules, entry, ctx.account)
      const holdout = (entry.arm = entry.variant) === 'holdout'
      reason = entry.template.target && !entry.target ? 'no_target' : holdout ? undefined : frequencyBlock(trigger.frequency, state(trigger.id), ctx.now)
      entry.status = reason ? 'suppressed' : holdout ? 'holdout' : 'show'
    } else entry.status = 'suppressed'
    entry.reason = reason
    if (entry.status === 'show') {
      const winner = winners[entry.slot]
      if (winner && winner.trigger.priority >= trigger.priority) outrank(entry, winner)
      else {
        if (winner) outrank(winner, entry)
        winners[entry.slot] = entry
        entry.won = true
      }
    }
  }
  const buyer = isBuyer(rules, ctx.user.role)
  for (const index of due) {
    const entry = entries[index]!
    const { status, reason, detail, arm: variant, decision: last } = entry
    const prompt = entry.won ? entry.prompt(ctx, entry.variant, entry.template, buyer, entry.target) : undefined
    if (prompt) {
      if (prompt.placement === 'inline') inline[prompt.feature ?? prompt.trigger] = prompt
      else prompts[prompt.placement] = prompt
    }
    decisions[index] = last.status === status && last.reason === reason && last.variant === variant && last.prompt === prompt && last.detail === detail
      ? last
      : (entry.decision = decision(entry.trigger.id, status, reason, detail, variant, prompt))
  }
  return { decisions, prompts, inline }
}
