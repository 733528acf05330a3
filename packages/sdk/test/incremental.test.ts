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

it('keeps caps after a prompt was outranked: the one pushed off the banner does not come back past max_per_session', () => {
  const rules = compileRules(BASE_RULES.replace('  - id: api-quota', `  - id: seats-full
    when: { usage: seats, at_least: 100% }
    priority: 10
    prompt: { placement: banner, title: "All {limit} seats are taken", target: next_plan_raising_limit }
  - id: api-quota`)
    .replace('  api_calls: { label: API calls, period: month }', '  api_calls: { label: API calls, period: month }\n  seats: { label: seats }')
    .replace('limits: { contacts: 100, api_calls: 10 }', 'limits: { contacts: 100, api_calls: 10, seats: 3 }')
    .replace('limits: { contacts: 1000, api_calls: 100 }', 'limits: { contacts: 1000, api_calls: 100, seats: 10 }')
    .replace('frequency: { cooldown: 1d, snooze_on_dismiss: 7d, max_impressions: 3 }', 'frequency: { max_per_session: 1 }'))
  const clock = createClock()
  const nudge = client({ clock, rules, options: { fetch: async () => new Response(null, { status: 503 }) } })
  const banner = () => nudge.$prompts.get().banner?.trigger
  nudge.setUsage('contacts', 90)
  expect(banner()).toBe('contacts-80')
  nudge.impression(nudge.$prompts.get().banner!)
  // A higher-priority banner takes the place, then goes: contacts-80 was seen once this session, its cap.
  nudge.setUsage('seats', 3)
  expect(banner()).toBe('seats-full')
  nudge.setUsage('seats', 1)
  expect(banner()).toBeUndefined()
  nudge.setUsage('contacts', 95)
  expect(banner()).toBeUndefined()
  nudge.destroy()
})
