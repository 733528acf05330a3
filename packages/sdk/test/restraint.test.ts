// Restraint: cooldown, snooze on dismiss, lifetime/session/day caps, one prompt per placement, acceptance,
// and frequency state shared between tabs.
import { expect, it, onTestFinished } from 'vitest'
import { memoryStorage } from '../src/storage.ts'
import type { Nudge, StorageLike } from '../src/types.ts'
import { BASE_RULES, compileRules, DAY } from './fixtures.ts'
import { setupHarness } from './harness.ts'

const env = setupHarness(compileRules(BASE_RULES), { session: 'shared' })

/** A page load: a new client over the same storage (and, unless given, the same browser session). */
const page = ({ yaml, ...setup }: { sessionStorage?: StorageLike; yaml?: string } = {}) =>
  env.open(yaml ? { ...setup, rules: compileRules(yaml) } : setup)
const reload = (nudge: Nudge, options?: Parameters<typeof page>[0]) => {
  nudge.destroy()
  return page(options)
}
const banner = (nudge: Nudge) => nudge.$prompts.get().banner?.trigger

it('shows the banner once contacts reach 80 % of the plan limit, not before', () => {
  const nudge = page()
  nudge.setUsage('contacts', 79)
  expect(banner(nudge)).toBeUndefined()
  nudge.setUsage('contacts', 80)
  expect(nudge.$prompts.get().banner).toMatchObject({ trigger: 'contacts-80', title: "You've used 80 of 100 contacts", cta: { label: 'Upgrade to Pro', url: '/billing?plan=pro' } })
})

it('keeps a prompt on screen through its own impression, then holds it back for the cooldown', async () => {
  let nudge = page()
  nudge.setUsage('contacts', 90)
  nudge.impression(nudge.$prompts.get().banner!)
  expect(banner(nudge)).toBe('contacts-80')
  nudge = reload(nudge)
  expect(banner(nudge)).toBeUndefined()
  await env.clock.advance(DAY - 60_000)
  expect(banner(nudge)).toBeUndefined()
  await env.clock.advance(60_000)
  expect(banner(nudge)).toBe('contacts-80')
})

it('snoozes a dismissed prompt for the trigger’s snooze_on_dismiss (7 days), longer than its cooldown', async () => {
  const nudge = page()
  nudge.setUsage('contacts', 90)
  const prompt = nudge.$prompts.get().banner!
  nudge.impression(prompt)
  nudge.dismiss(prompt)
  expect(banner(nudge)).toBeUndefined()
  await env.clock.advance(2 * DAY)
  expect(banner(nudge)).toBeUndefined()
  await env.clock.advance(5 * DAY)
  expect(banner(reload(nudge))).toBe('contacts-80')
  expect(env.fake.events.filter((e) => e.type === 'dismiss')).toMatchObject([{ trigger: 'contacts-80', variant: 'default', placement: 'banner' }])
})

it('stops after max_impressions (3) for the account', async () => {
  let nudge = page()
  nudge.setUsage('contacts', 90)
  for (let shown = 0; shown < 3; shown++) {
    nudge.impression(nudge.$prompts.get().banner!)
    await env.clock.advance(DAY)
    nudge = reload(nudge, { sessionStorage: memoryStorage() })
  }
  expect(banner(nudge)).toBeUndefined()
  await env.clock.advance(30 * DAY)
  expect(banner(nudge)).toBeUndefined()
  expect(env.fake.events.filter((e) => e.type === 'impression')).toHaveLength(3)
})

const SESSION_RULES = BASE_RULES.replace('frequency: { cooldown: 1d, snooze_on_dismiss: 7d, max_impressions: 3 }', 'frequency: { max_per_session: 1, max_per_day: 2 }')

const MINUTE = 60_000

/** The tab is closed, and the browser stays idle for `ms`. */
const idle = async (nudge: Nudge, ms: number) => {
  nudge.destroy()
  await env.clock.advance(ms)
}

it('shows a prompt once per browsing session with max_per_session: 1, again after 30 minutes without activity', async () => {
  let nudge = page({ yaml: SESSION_RULES })
  nudge.setUsage('contacts', 90)
  nudge.impression(nudge.$prompts.get().banner!)
  nudge = reload(nudge, { yaml: SESSION_RULES })
  expect(banner(nudge)).toBeUndefined()
  await idle(nudge, 29 * MINUTE)
  nudge = page({ yaml: SESSION_RULES })
  expect(banner(nudge)).toBeUndefined()
  // The page load above was activity: 30 minutes from it, not from the impression.
  await idle(nudge, 30 * MINUTE)
  expect(banner(page({ yaml: SESSION_RULES }))).toBe('contacts-80')
})

it('shares the browsing session between tabs: a new tab does not show again what max_per_session allowed once', async () => {
  const first = page({ yaml: SESSION_RULES, sessionStorage: memoryStorage() })
  first.setUsage('contacts', 90)
  first.impression(first.$prompts.get().banner!)
  // Each tab opened is activity: the session lasts while some tab is active within 30 minutes.
  await env.clock.advance(20 * MINUTE)
  expect(banner(page({ yaml: SESSION_RULES, sessionStorage: memoryStorage() }))).toBeUndefined()
  await env.clock.advance(20 * MINUTE)
  expect(banner(page({ yaml: SESSION_RULES, sessionStorage: memoryStorage() }))).toBeUndefined()
  await env.clock.advance(31 * MINUTE)
  expect(banner(page({ yaml: SESSION_RULES, sessionStorage: memoryStorage() }))).toBe('contacts-80')
})

it('caps impressions per day with max_per_day and starts again the next day', async () => {
  let nudge = page({ yaml: SESSION_RULES })
  nudge.setUsage('contacts', 90)
  for (let i = 0; i < 2; i++) {
    nudge.impression(nudge.$prompts.get().banner!)
    await idle(nudge, 31 * MINUTE)
    nudge = page({ yaml: SESSION_RULES })
  }
  expect(nudge.$prompts.get().banner).toBeUndefined()
  expect(nudge.$prompts.get()).toEqual({ inline: {} })
  await env.clock.advance(DAY)
  expect(banner(nudge)).toBe('contacts-80')
})

it('shows one prompt per placement: the highest priority wins', () => {
  const yaml = `${BASE_RULES.replace('defaults:', `  - id: contacts-90
    when: { usage: contacts, at_least: 90% }
    prompt: { placement: banner, title: "Almost full", target: next_plan_raising_limit }
    priority: 10
defaults:`)}`
  const nudge = page({ yaml })
  nudge.setUsage('contacts', 85)
  expect(banner(nudge)).toBe('contacts-80')
  nudge.setUsage('contacts', 95)
  expect(banner(nudge)).toBe('contacts-90')
})

it('stops showing a trigger the account accepted, as the server state says', async () => {
  env.fake.state.acct_1 = { 'contacts-80': { impressions: 1, acceptedAt: env.clock.now() - DAY } }
  const nudge = page()
  nudge.setUsage('contacts', 95)
  await env.clock.settle()
  expect(banner(nudge)).toBeUndefined()
})

it('shares dismissals between tabs: the other tab takes the prompt down at once', async () => {
  const first = page({ sessionStorage: memoryStorage() })
  const second = page({ sessionStorage: memoryStorage() })
  first.setUsage('contacts', 90)
  second.setUsage('contacts', 90)
  expect(banner(second)).toBe('contacts-80')
  first.dismiss(first.$prompts.get().banner!)
  await env.clock.settle()
  expect(banner(second)).toBeUndefined()
})

it('counts an impression in one tab against the caps of the other', async () => {
  const first = page({ sessionStorage: memoryStorage() })
  first.setUsage('contacts', 90)
  first.impression(first.$prompts.get().banner!)
  const second = page({ sessionStorage: memoryStorage() })
  expect(banner(second)).toBeUndefined()
  expect(banner(first)).toBe('contacts-80')
})

it('lets one tab send at a time, so no queued event is ever on the wire twice at once', async () => {
  env.fake.latencyMs = 20
  // Web Locks as browsers have them (jsdom does not): a held lock is not granted with ifAvailable.
  const held = new Set<string>()
  const request = async (name: string, _options: LockOptions, task: (lock: Lock | null) => Promise<boolean>) => {
    if (held.has(name)) return task(null)
    held.add(name)
    try {
      return await task({ name, mode: 'exclusive' })
    } finally {
      held.delete(name)
    }
  }
  Object.defineProperty(navigator, 'locks', { configurable: true, value: { request } })
  onTestFinished(() => void Reflect.deleteProperty(navigator, 'locks'))
  const first = page({ sessionStorage: memoryStorage() })
  const second = page({ sessionStorage: memoryStorage() })
  for (let n = 0; n < 60; n++) {
    first.track('report_viewed', { n })
    second.track('report_viewed', { n: 100 + n })
  }
  for (let i = 0; i < 20; i++) {
    await env.clock.advance(500)
    await new Promise((resolve) => setTimeout(resolve, 30)) // the server's real latency
  }
  const tracked = env.fake.events.filter((e) => e.type === 'track')
  expect(tracked).toHaveLength(120)
  expect(env.fake.concurrent).toBe(0)
  expect(env.fake.maxParallel).toBe(1)
  expect(env.fake.duplicates).toBe(0)
})
