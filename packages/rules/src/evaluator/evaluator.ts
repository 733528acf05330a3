// The evaluator: rules compiled once into closures, a dependency index, matching and decisions.
import type { CompiledRules, Decisions, EvalContext, FactKey, TriggerState } from './types.ts'
import { createDependencyIndex } from './deps.ts'
import { decideAll, prepareTrigger } from './select.ts'
import { createRenderer } from './template.ts'

export interface Evaluator {
  readonly rules: CompiledRules
  /** Ids of triggers whose condition or audience reads any of these facts (dependency index). */
  affected(facts: Iterable<FactKey>): string[]
  /**
   * Evaluates `when` for the given triggers (all when omitted) into `into` (trigger id → matched). The map
   * most recently filled for all triggers stays the evaluator's: passed again, only the entries that changed
   * are written, and `decide` reads the evaluator's own copy of it, so do not write to that map yourself.
   */
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
  const render = createRenderer()
  const entries = rules.triggers.map((trigger) => prepareTrigger(rules, trigger, render))
  const positions = new Map(rules.triggers.map(({ id }, index) => [id, index]))
  // The map last filled for every trigger, and what it holds by trigger position: Map reads and writes
  // would cost more than the conditions themselves.
  let view: Map<string, boolean> | undefined
  const values: boolean[] = []
  return {
    rules,
    affected: createDependencyIndex(rules.triggers),
    match(ctx, ids, into = new Map()) {
      const own = into === view
      const evaluate = (index: number | undefined) => {
        if (index === undefined) return
        const value = entries[index]!.when(ctx)
        if (!own || values[index] !== value) into.set(entries[index]!.id, value)
        if (own || !ids) values[index] = value
      }
      if (ids) for (const id of ids) evaluate(positions.get(id))
      else {
        for (let index = 0; index < entries.length; index++) evaluate(index)
        view = into
      }
      return into
    },
    decide: (ctx, matched, state) => decideAll(rules, entries, ctx, matched === view ? values : undefined, matched, state),
  }
}
