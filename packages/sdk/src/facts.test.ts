// Facts: where usage periods start and how counters reset.
import { expect, it } from 'vitest'
import type { CompiledRules, FactKey } from '@nudgekit/rules/evaluator'
import { createStore, memoryStorage } from './storage.ts'
import { createFacts, periodStart } from './facts.ts'

it('starts periods at local midnight, Monday, the 1st and 1 January', () => {
  const at = new Date(2026, 4, 14, 15, 30).getTime() // Thursday 14 May 2026
  expect(periodStart(undefined, at)).toBe(0)
  expect(periodStart('day', at)).toBe(new Date(2026, 4, 14).getTime())
  expect(periodStart('week', at)).toBe(new Date(2026, 4, 11).getTime())
  expect(periodStart('month', at)).toBe(new Date(2026, 4, 1).getTime())
  expect(periodStart('year', at)).toBe(new Date(2026, 0, 1).getTime())
})

it('counts up within a period and starts from zero in the next one', () => {
  let time = new Date(2026, 0, 31, 23).getTime()
  const facts = createFacts(createStore(memoryStorage()), () => time)
  facts.load({ id: 'a', plan: 'free' }, { id: 'u' })
  const metrics = { api_calls: { label: 'API calls', period: 'month' as const }, contacts: { label: 'contacts' } }
  const rules = { hash: 'h', metrics, plans: [{ id: 'free', limits: { contacts: 50 } }], addons: [] } as unknown as CompiledRules
  facts.setUsage('api_calls', 2, 'month', true)
  facts.setUsage('api_calls', 3, 'month', true)
  facts.setUsage('contacts', 40, undefined)
  expect(facts.usage(rules)?.api_calls?.used).toBe(5)
  time = new Date(2026, 1, 1, 1).getTime()
  const changed: FactKey[] = []
  expect(facts.usage(rules, changed)).toEqual({
    api_calls: { metric: 'api_calls', label: 'API calls', used: 0, limit: null, percent: null },
    contacts: { metric: 'contacts', label: 'contacts', used: 40, limit: 50, percent: 80 },
  })
  expect(facts.ctx.usage).toEqual({ api_calls: 0, contacts: 40 })
  expect(changed).toEqual(['usage:api_calls'])
})

it('gives the meter new views only when a value or limit moved', () => {
  const facts = createFacts(createStore(memoryStorage()), () => 0)
  facts.load({ id: 'a', plan: 'free' }, { id: 'u' })
  const rules = { hash: 'h', metrics: { contacts: { label: 'contacts' } }, plans: [], addons: [] } as unknown as CompiledRules
  expect(facts.usage(rules)).toBeDefined()
  expect(facts.usage(rules)).toBeUndefined()
  facts.setUsage('contacts', 3, undefined)
  expect(facts.usage(rules)?.contacts?.used).toBe(3)
})
