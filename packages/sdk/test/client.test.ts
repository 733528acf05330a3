// The client as a host uses it: cached rules on start, roles, holdout, identity changes, periods, gates,
// eligibility, option checks and warnings for bad input.
import { expect, it, vi } from 'vitest'
import { createNudge } from '../src/create-nudge.ts'
import { memoryStorage } from '../src/storage.ts'
import type { NudgeOptions } from '../src/types.ts'
import { BASE_RULES, compileRules, DAY } from './fixtures.ts'
import { setupHarness } from './harness.ts'
import { ENDPOINT, KEY } from './server-handlers.ts'

const env = setupHarness(compileRules(BASE_RULES))
const sent = async (type: string) => {
  await env.clock.advance(1000)
  return env.fake.events.filter((e) => e.type === type)
}

it('has a due prompt synchronously on the next page load, from the cached rules, before the network answers', async () => {
  const first = env.open({ rules: undefined })
  expect(first.$rules.get()).toBeUndefined()
  await env.clock.settle()
  first.setUsage('contacts', 90)
  expect(first.$prompts.get().banner?.trigger).toBe('contacts-80')
  first.destroy()
  const second = env.open({ rules: undefined })
  expect(second.$prompts.get().banner?.trigger).toBe('contacts-80')
  const seen: Array<string | undefined> = []
  second.subscribe((prompts) => seen.push(prompts.banner?.trigger))
  await env.clock.settle()
  expect(seen).toEqual(['contacts-80'])
})

it('gives roles that cannot buy the non-buyer prompt and records their upgrade request', async () => {
  const nudge = env.open({ options: { user: { id: 'user_2', role: 'member' } } })
  nudge.setUsage('contacts', 90)
  const prompt = nudge.$prompts.get().banner!
  expect(prompt).toMatchObject({ audience: 'non_buyer', cta: { label: 'Ask your admin' } })
  expect(prompt.cta.url).toBeUndefined()
  nudge.requestUpgrade(prompt)
  expect(await sent('upgrade_requested')).toMatchObject([
    { trigger: 'contacts-80', user: 'user_2', placement: 'banner', props: { plan: 'free', role: 'member' } },
  ])
})

it('switches to the buyer prompt when the user’s role changes', () => {
  const nudge = env.open({ options: { user: { id: 'user_2', role: 'member' } } })
  nudge.setUsage('contacts', 90)
  nudge.identify({ id: 'user_2', role: 'owner' })
  expect(nudge.$prompts.get().banner).toMatchObject({ audience: 'buyer', cta: { label: 'Upgrade to Pro' } })
})

const HOLDOUT_RULES = BASE_RULES.replace(
  'frequency: { cooldown: 1d, snooze_on_dismiss: 7d, max_impressions: 3 }',
  'experiment: { variants: { a: {}, b: { title: "Running out of room?" } }, holdout: 100% }',
)

it('shows held-out accounts nothing and sends one holdout exposure per day', async () => {
  const nudge = env.open({ rules: compileRules(HOLDOUT_RULES) })
  nudge.setUsage('contacts', 85)
  nudge.setUsage('contacts', 95)
  expect(nudge.$prompts.get().banner).toBeUndefined()
  expect(await sent('holdout')).toMatchObject([{ trigger: 'contacts-80', variant: 'holdout', account: 'acct_1' }])
  await env.clock.advance(DAY)
  expect(await sent('holdout')).toHaveLength(2)
})

it('sends eligible once when a trigger’s condition first holds in a day', async () => {
  const nudge = env.open()
  nudge.setUsage('contacts', 85)
  nudge.setUsage('contacts', 10)
  nudge.setUsage('contacts', 95)
  expect(await sent('eligible')).toMatchObject([{ trigger: 'contacts-80', variant: 'default' }])
})

it('clears a prompt that no longer applies when the plan changes', () => {
  const nudge = env.open()
  nudge.setUsage('contacts', 90)
  expect(nudge.$prompts.get().banner).toBeDefined()
  nudge.setAccount({ id: 'acct_1', plan: 'pro', createdAt: env.clock.now() - 30 * DAY })
  expect(nudge.$prompts.get().banner).toBeUndefined()
  expect(nudge.$usage.get().contacts).toEqual({ metric: 'contacts', label: 'contacts', used: 90, limit: 1000, percent: 9 })
  expect(nudge.$account.get().account.plan).toBe('pro')
})

it('keeps $account, $prompts and gate hits as they are when setAccount or identify get the values they have', async () => {
  const nudge = env.open()
  const start = nudge.$account.get()
  // A view memoised on $account, as the widgets' FeatureGate is: it checks the gate whenever $account changes.
  nudge.$account.subscribe(() => nudge.gate('segmentation'))
  const prompts = nudge.$prompts.get()
  for (let n = 0; n < 3; n++) nudge.setAccount({ ...start.account })
  nudge.identify({ ...start.user })
  expect(nudge.$account.get()).toBe(start)
  expect(nudge.$prompts.get()).toBe(prompts)
  expect(await sent('gate_hit')).toHaveLength(1)
})

it('takes every real change to the account or user, also one made to the object passed before', async () => {
  const nudge = env.open()
  const account = { ...nudge.$account.get().account, traits: { seats: 3 } }
  nudge.setAccount(account)
  const first = nudge.$account.get()
  expect(first.account).toBe(account)
  account.plan = 'pro'
  nudge.setAccount(account)
  expect(nudge.$account.get()).not.toBe(first)
  expect(nudge.$usage.get().contacts?.limit).toBe(1000)
  nudge.setAccount({ ...account, traits: { seats: 4 } })
  expect(nudge.$account.get().account.traits).toEqual({ seats: 4 })
  nudge.identify({ id: 'user_1', role: 'member' })
  expect(nudge.$account.get().user.role).toBe('member')
})

const LADDER_RULES = BASE_RULES.replace(
  '  - { id: pro, name: Pro, price: { monthly: 49 }, limits: { contacts: 1000, api_calls: 100 }, features: [segmentation] }',
  '$&\n  - { id: business, name: Business, price: { monthly: 199 }, limits: { contacts: 10000, api_calls: 1000 }, features: [segmentation] }',
)

it('takes a gate’s upsell down, and sends no more eligible, once an upgrade includes the feature', async () => {
  const nudge = env.open({ rules: compileRules(LADDER_RULES) })
  expect(nudge.gate('segmentation').prompt).toMatchObject({ trigger: 'segmentation-gate', target: { id: 'pro' } })
  nudge.setAccount({ ...nudge.$account.get().account, plan: 'pro' })
  expect(nudge.$prompts.get().inline).toEqual({})
  expect(nudge.gate('segmentation')).toEqual({ allowed: true })
  await env.clock.advance(DAY)
  expect(await sent('eligible')).toHaveLength(1)
  expect(await sent('gate_hit')).toHaveLength(1)
  nudge.setAccount({ ...nudge.$account.get().account, plan: 'free' })
  expect(nudge.$prompts.get().inline.segmentation?.trigger).toBe('segmentation-gate')
})

it('loads each user’s own frequency state on a user switch', () => {
  const nudge = env.open()
  nudge.setUsage('contacts', 90)
  nudge.dismiss(nudge.$prompts.get().banner!)
  expect(nudge.$prompts.get().banner).toBeUndefined()
  nudge.identify({ id: 'user_3', role: 'admin' })
  expect(nudge.$prompts.get().banner?.trigger).toBe('contacts-80')
  nudge.identify({ id: 'user_1', role: 'admin' })
  expect(nudge.$prompts.get().banner).toBeUndefined()
})

it('starts a periodic counter from zero in a new period and takes its prompt down', async () => {
  const nudge = env.open()
  for (let i = 0; i < 10; i++) nudge.increment('api_calls')
  expect(nudge.$usage.get().api_calls).toMatchObject({ used: 10, limit: 10, percent: 100 })
  expect(nudge.$prompts.get().modal?.trigger).toBe('api-quota')
  await env.clock.advance(27 * DAY) // 2026-01-05 → 2026-02-01
  expect(nudge.$usage.get().api_calls).toMatchObject({ used: 0, percent: 0 })
  expect(nudge.$prompts.get().modal).toBeUndefined()
})

it('gates a feature by plan, records the gate hit and offers the inline prompt', async () => {
  const nudge = env.open()
  const result = nudge.gate('segmentation')
  expect(result).toMatchObject({ allowed: false, requiredPlan: 'pro', prompt: { trigger: 'segmentation-gate', placement: 'inline', title: 'Segmentation is on Pro' } })
  expect(nudge.$prompts.get().inline.segmentation?.trigger).toBe('segmentation-gate')
  expect(await sent('gate_hit')).toMatchObject([{ feature: 'segmentation' }])
  nudge.setAccount({ id: 'acct_1', plan: 'pro' })
  expect(nudge.gate('segmentation')).toEqual({ allowed: true, prompt: undefined })
  expect(await sent('gate_hit')).toHaveLength(1)
})

it('logs every decision change with its reason when debug is on', () => {
  const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  const nudge = env.open({ options: { debug: true } })
  nudge.setUsage('contacts', 90)
  nudge.dismiss(nudge.$prompts.get().banner!)
  const lines = debug.mock.calls.map((call) => call[0])
  expect(lines).toContain('[nudgekit] contacts-80: show')
  expect(lines.some((line) => /^\[nudgekit\] contacts-80: suppressed \(.*snooze.*\)$/.test(line))).toBe(true)
  expect(lines).toContain('[nudgekit] api-quota: not_matched')
})

it.each([
  [{ endpoint: '' }, 'options.endpoint', /options\.endpoint is missing\. Pass the base URL/],
  [{ key: undefined }, 'options.key', /options\.key is missing/],
  [{ key: 'sk_live_1' }, 'options.key', /options\.key is a secret key/],
  [{ account: { id: '', plan: 'free' } }, 'options.account.id', /options\.account\.id must be a non-empty string/],
  [{ user: undefined }, 'options.user', /options\.user is missing/],
])('createNudge throws a clear error for %j', (override, path, message) => {
  const options = { endpoint: ENDPOINT, key: KEY, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, storage: memoryStorage(), ...override }
  expect(() => createNudge(options as NudgeOptions)).toThrow(/^\[nudgekit\] Failed to create the nudgekit client: /)
  try {
    createNudge(options as NudgeOptions)
  } catch (error) {
    expect(error).toMatchObject({ code: 'invalid_option', path, name: 'NudgeError' })
    expect((error as Error).message).toMatch(message)
  }
})

it('warns once about bad usage input and keeps the last valid value', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const nudge = env.open()
  nudge.setUsage('contacts', 90)
  nudge.setUsage('contact', 5)
  nudge.setUsage('contact', 6)
  nudge.setUsage('contacts', Number.NaN)
  nudge.setUsage('contacts', -1)
  nudge.increment('api_calls', Number.POSITIVE_INFINITY)
  expect(warn.mock.calls.map((call) => call[0])).toEqual([
    "[nudgekit] Failed to call setUsage(): metric 'contact' is not in the rules. Use one of: contacts, api_calls.",
    '[nudgekit] Failed to call setUsage(): value NaN is not a finite number ≥ 0. Pass a count such as 812.',
    '[nudgekit] Failed to call setUsage(): value -1 is not a finite number ≥ 0. Pass a count such as 812.',
    '[nudgekit] Failed to call increment(): value Infinity is not a finite number ≥ 0. Pass a count such as 812.',
  ])
  expect(nudge.$usage.get().contacts?.used).toBe(90)
  expect(nudge.$usage.get().api_calls?.used).toBe(0)
})

it('warns about a prompt-less dismiss and an unknown feature instead of throwing', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const nudge = env.open()
  nudge.dismiss(undefined as never)
  expect(nudge.gate('segmentaton')).toEqual({ allowed: false })
  expect(warn.mock.calls.map((call) => call[0])).toEqual([
    '[nudgekit] Failed to call dismiss(): prompt is not a prompt from $prompts or gate().',
    "[nudgekit] Failed to call gate(): feature 'segmentaton' is not in the rules. Use one of: segmentation.",
  ])
})
