// Prompt decisions, incrementally: a changed fact re-matches only the triggers that read it, then the
// evaluator decides; publishes the active prompts, sends `eligible`/`holdout` once a day, logs changes.
import { createEvaluator } from '@nudgekit/rules/evaluator'
import type { CompiledRules, EvalContext, Evaluator, FactKey, SuppressReason, TriggerDecision } from '@nudgekit/rules/evaluator'
import type { FrequencyState } from './frequency.ts'
import type { ActivePrompts } from './types.ts'

/** Held back only by restraint: the condition and audience hold, so the account counts as eligible. */
const RESTRAINED: ReadonlySet<SuppressReason | undefined> = new Set([
  'snoozed',
  'cooldown',
  'max_impressions',
  'max_per_session',
  'max_per_day',
  'outranked',
])

/** `true` when both hold the same prompt objects in the same places. */
function samePrompts(a: ActivePrompts, b: ActivePrompts): boolean {
  const placements = (p: ActivePrompts) => [p.banner, p.modal, p.toast, ...Object.keys(p.inline), ...Object.values(p.inline)]
  const x = placements(a)
  const y = placements(b)
  return x.length === y.length && x.every((value, i) => value === y[i])
}

export interface DecisionsOptions {
  frequency: () => FrequencyState
  /** Triggers dismissed in this page without a snooze: kept off screen until the page reloads. */
  hidden: ReadonlySet<string>
  send(type: 'eligible' | 'holdout', decision: TriggerDecision): void
  log(message: string, data?: unknown): void
  publish(prompts: ActivePrompts): void
}

export interface DecisionEngine {
  /** Switches the rules; every trigger is matched again. */
  setRules(rules: CompiledRules | undefined): void
  /** Re-matches the triggers that read `changed` (all when omitted), then decides. */
  update(ctx: EvalContext, changed?: Iterable<FactKey>): void
}

/**
 * The decision engine of one client.
 * @example const engine = createDecisions({ frequency, hidden, send, log, publish }); engine.setRules(rules)
 */
export function createDecisions(options: DecisionsOptions): DecisionEngine {
  const { hidden, log } = options
  // The latest decision per trigger, so only changes are logged.
  const decisions = new Map<string, TriggerDecision>()
  let evaluator: Evaluator | undefined
  let matched = new Map<string, boolean>()
  let published: ActivePrompts = { inline: {} }

  return {
    setRules(rules) {
      evaluator = rules && createEvaluator(rules)
      matched = new Map()
      decisions.clear()
    },
    update(ctx, changed) {
      const frequency = options.frequency()
      const active: ActivePrompts = { inline: {} }
      if (evaluator) {
        evaluator.match(ctx, changed && evaluator.affected(changed), matched)
        for (const decision of evaluator.decide(ctx, matched, frequency.state).decisions) {
          const { trigger, status, reason, prompt } = decision
          const before = decisions.get(trigger)
          if (before?.status !== status || before.reason !== reason) {
            log(`${trigger}: ${status}${reason ? ` (${decision.detail ?? reason})` : ''}`, decision)
          }
          decisions.set(trigger, decision)
          if ((status === 'show' || status === 'holdout' || RESTRAINED.has(reason)) && frequency.once(trigger, 'eligible')) {
            options.send('eligible', decision)
          }
          if (status === 'holdout' && frequency.once(trigger, 'holdout')) options.send('holdout', decision)
          if (status !== 'show' || !prompt || hidden.has(trigger)) frequency.showing.delete(trigger)
          else if (prompt.placement === 'inline') active.inline[prompt.feature ?? trigger] = prompt
          else active[prompt.placement] = prompt
        }
      }
      // The evaluator reuses a prompt object while its copy is unchanged, so identity tells what changed.
      if (!samePrompts(active, published)) {
        published = active
        options.publish(active)
      }
    },
  }
}
