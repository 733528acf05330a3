// The evaluator: rules compiled once into closures, a dependency index, matching and decisions.
import type { CompiledRules, Decisions, EvalContext, FactKey, TriggerState } from './types.ts'
import { createDependencyIndex } from './deps.ts'
import { decideAll, prepareTrigger } from './select.ts'

export interface Evaluator {
  readonly rules: CompiledRules
  /** Ids of triggers whose condition or audience reads any of these facts (dependency index). */
  affected(facts: Iterable<FactKey>): string[]
  /** Evaluates `when` for the given triggers (all when omitted) into `into` (trigger id → matched). */
  match(ctx: EvalContext, ids?: Iterable<string>, into?: Map<string, boolean>): Map<string, boolean>
  /**
   * Audience, target, experiment, frequency and priority → one decision per trigger and the prompts to show
   * (one per placement; inline prompts keyed by feature). `state` returns a trigger's exposure state.
   */
  decide(
    ctx: EvalContext,
    matched: ReadonlyMap<string, boolean>,
    state: (trigger: string) => TriggerState | undefined,
  ): Decisions
}

/**
 * Compiles rules once for fast, repeated evaluation. Decisions and prompts are read-only and reused
 * between calls while their inputs are unchanged, so they can be compared by identity.
 * @example
 * const evaluator = createEvaluator(rules)
 * const matched = evaluator.match(ctx)
 * const { prompts } = evaluator.decide(ctx, matched, (id) => states[id])
 * // after setUsage('contacts', …): only the triggers that read it
 * evaluator.match(ctx, evaluator.affected(['usage:contacts']), matched)
 */
export function createEvaluator(rules: CompiledRules): Evaluator {
  if (rules.version !== 1) {
    throw new Error(`[nudgekit] Failed to load rules: version ${rules.version} is not supported. Upgrade @nudgekit/rules.`)
  }
  const entries = rules.triggers.map((trigger) => prepareTrigger(rules, trigger))
  const byId = new Map(entries.map((entry) => [entry.trigger.id, entry]))
  return {
    rules,
    affected: createDependencyIndex(rules.triggers),
    match(ctx, ids, into = new Map()) {
      if (ids === undefined) for (const entry of entries) into.set(entry.trigger.id, entry.when(ctx))
      else {
        for (const id of ids) {
          const entry = byId.get(id)
          if (entry) into.set(id, entry.when(ctx))
        }
      }
      return into
    },
    decide: (ctx, matched, state) => decideAll(rules, entries, ctx, matched, state),
  }
}
