// Prompt decisions, incrementally: a changed fact re-matches only the triggers that read it, then the
// evaluator decides; publishes the active prompts, sends `eligible`/`holdout` once a day, logs changes.
import type { ReadableAtom, WritableAtom } from 'nanostores'
import { createEvaluator } from '@nudgekit/rules/evaluator'
import type { CompiledRules, EvalContext, Evaluator, FactKey, SuppressReason } from '@nudgekit/rules/evaluator'
import type { FrequencyState } from './frequency.ts'
import type { ActivePrompts, NudgeEvent } from './types.ts'

/** Held back only by restraint: the condition and audience hold, so the account counts as eligible. */
const RESTRAINED: ReadonlyArray<SuppressReason | undefined> = [
  'snoozed',
  'cooldown',
  'max_impressions',
  'max_per_session',
  'max_per_day',
  'outranked',
]

/** Every placement's prompt (inline ones with their feature), in a fixed order: equal lists mean nothing changed. */
const placements = (p: ActivePrompts) => [p.banner, p.modal, p.toast, ...Object.entries(p.inline).flat()]

/**
 * The decision step of one client: `decide(ctx, changed)` re-matches the triggers that read `changed` and
 * decides incrementally (everything when `changed` is omitted, as it must be after a change of exposure
 * state, or when `$rules` holds other rules than last time), and sets `$prompts` when another prompt
 * shows. `hidden` holds triggers dismissed in this page without a snooze: kept off screen until the page
 * reloads.
 * @example const decide = createDecisions($rules, $prompts, frequency, hidden, send, log); decide(ctx)
 */
export function createDecisions(
  $rules: ReadableAtom<CompiledRules | undefined>,
  $prompts: WritableAtom<ActivePrompts>,
  frequency: FrequencyState,
  hidden: ReadonlySet<string>,
  send: (type: NudgeEvent['type'], fields: Partial<NudgeEvent>) => void,
  log: (message: string, data?: unknown) => void,
): (ctx: EvalContext, changed?: readonly FactKey[]) => void {
  // The latest status and reason per trigger, so only changes are logged.
  const logged = new Map<string, string>()
  let rules: CompiledRules | undefined
  let evaluator: Evaluator | undefined
  let matched = new Map<string, boolean>()

  return (ctx, changed) => {
    if ($rules.get() !== rules) {
      rules = $rules.get()
      evaluator = rules && createEvaluator(rules)
      matched = new Map()
      logged.clear()
      changed = undefined
    }
    const active: ActivePrompts = { inline: {} }
    if (evaluator) {
      evaluator.match(ctx, changed && evaluator.affected(changed), matched)
      for (const decision of evaluator.decide(ctx, matched, frequency.state, changed).decisions) {
        const { trigger, variant, status, reason, prompt } = decision
        const event = (type: 'eligible' | 'holdout') => frequency.once(trigger, type) && send(type, { trigger, variant, placement: prompt?.placement })
        if (logged.get(trigger) !== status + reason) {
          logged.set(trigger, status + reason)
          log(`${trigger}: ${status}${reason ? ` (${decision.detail ?? reason})` : ''}`, decision)
        }
        if (status === 'show' || status === 'holdout' || RESTRAINED.includes(reason)) event('eligible')
        if (status === 'holdout') event('holdout')
        // Only a decision to show carries a prompt.
        if (!prompt || hidden.has(trigger)) frequency.showing.delete(trigger)
        else if (prompt.placement === 'inline') active.inline[prompt.feature ?? trigger] = prompt
        else active[prompt.placement] = prompt
      }
    }
    // The evaluator reuses a prompt object while its copy is unchanged, so identity tells what changed.
    const x = placements(active)
    const y = placements($prompts.get())
    if (x.length !== y.length || x.some((value, i) => value !== y[i])) $prompts.set(active)
  }
}
