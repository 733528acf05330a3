// Runs the language-neutral rule semantics of spec/cases.json against this evaluator.
import { describe, expect, it } from 'vitest'
import cases from '../../spec/cases.json' with { type: 'json' }
import { expandCase, type SpecCase } from '../../spec/expand.ts'
import { createEvaluator } from './index.ts'
import type { Prompt } from './types.ts'

function expectPrompts(actual: Record<string, Prompt>, expected: Record<string, Partial<Prompt>>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort())
  for (const [slot, fields] of Object.entries(expected)) {
    for (const [field, value] of Object.entries(fields)) {
      expect(actual[slot]?.[field as keyof Prompt], `${slot}.${field}`).toEqual(value ?? undefined)
    }
  }
}

describe('rule semantics (spec/cases.json)', () => {
  it.each((cases as unknown as SpecCase[]).map((spec) => [spec.name, spec] as const))('%s', (_, spec) => {
    const { rules, ctx, state } = expandCase(spec)
    const evaluator = createEvaluator(rules)
    const matched = evaluator.match(ctx)
    const { decisions, prompts, inline } = evaluator.decide(ctx, matched, state)
    const { expected } = spec

    if (expected.matched) expect(Object.fromEntries(matched)).toEqual(expected.matched)
    const byTrigger = Object.fromEntries(decisions.map((decision) => [decision.trigger, decision]))
    for (const [trigger, outcome] of Object.entries(expected.decisions ?? {})) {
      const decision = byTrigger[trigger]!
      expect(decision.reason ? `${decision.status}:${decision.reason}` : decision.status, trigger).toBe(outcome)
    }
    for (const [trigger, variant] of Object.entries(expected.variants ?? {})) {
      expect(byTrigger[trigger]?.variant, trigger).toBe(variant)
    }
    if (expected.prompts) expectPrompts(prompts as Record<string, Prompt>, expected.prompts)
    if (expected.inline) expectPrompts(inline, expected.inline)
  })
})
