// Incremental evaluation: a change re-matches only the triggers that read the changed fact.
import { afterEach, expect, it, vi } from 'vitest'
import * as evaluator from '@nudgekit/rules/evaluator'
import { createClock } from './clock.ts'
import { BASE_RULES, client, compileRules } from './fixtures.ts'

const matched: Array<string[] | 'all'> = []
vi.mock('@nudgekit/rules/evaluator', async (original) => {
  const actual = await original<typeof evaluator>()
  return {
    ...actual,
    createEvaluator(rules: evaluator.CompiledRules) {
      const inner = actual.createEvaluator(rules)
      return {
        ...inner,
        match(ctx: evaluator.EvalContext, ids?: Iterable<string>, into?: Map<string, boolean>) {
          matched.push(ids ? [...ids] : 'all')
          return inner.match(ctx, ids, into)
        },
      }
    },
  }
})

afterEach(() => void (matched.length = 0))

it('re-matches only the triggers that depend on what changed', () => {
  const clock = createClock()
  const nudge = client({ clock, rules: compileRules(BASE_RULES), options: { fetch: async () => new Response(null, { status: 503 }) } })
  expect(matched).toEqual(['all'])
  matched.length = 0
  nudge.setUsage('contacts', 50)
  nudge.gate('segmentation')
  nudge.track('report_viewed')
  nudge.increment('api_calls')
  expect(matched).toEqual([['contacts-80'], ['segmentation-gate'], [], ['api-quota']])
  nudge.destroy()
})

it('re-matches nothing for an account or user equal to the current one, and the account readers for a plan change', () => {
  const clock = createClock()
  const nudge = client({ clock, rules: compileRules(BASE_RULES), options: { fetch: async () => new Response(null, { status: 503 }) } })
  const { account, user } = nudge.$account.get()
  matched.length = 0
  nudge.setAccount({ ...account })
  nudge.identify({ ...user })
  expect(matched).toEqual([])
  nudge.setAccount({ ...account, plan: 'pro' })
  expect(matched.map((ids) => [...ids].sort())).toEqual([['api-quota', 'contacts-80', 'segmentation-gate']])
  nudge.destroy()
})
