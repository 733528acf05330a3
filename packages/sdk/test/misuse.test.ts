// What a host gets wrong, and what the client does then: props that are not JSON, names objects inherit,
// calls after destroy(), a plan or date the rules cannot read, a listener that is not a function.
import { expect, it } from 'vitest'
import { BASE_RULES, compileRules, DAY } from './fixtures.ts'
import { setupHarness } from './harness.ts'
import { KEY } from './server-handlers.ts'

const env = setupHarness(compileRules(BASE_RULES), { collectWarnings: true })
const account = { id: 'acct_1', plan: 'free' }
const sent = async () => {
  await env.clock.advance(1000)
  return env.fake.events.map(({ type, event, metric, feature, props }) => ({ type, event, metric, feature, props }))
}
const queued = () => (JSON.parse(env.storage.getItem(`nudgekit:q1:${KEY}`) ?? '{"q":[]}') as { q: Array<{ e: { type: string } }> }).q.map(({ e }) => e.type)

it('records track() events whose props are not JSON without them, and keeps saving and sending every event', async () => {
  const nudge = env.open()
  const circular: Record<string, unknown> = { name: 'loop' }
  circular.self = circular
  nudge.track('report_viewed', circular)
  nudge.track('report_viewed', { n: 1n } as never)
  nudge.track('report_viewed', ['a'] as never)
  nudge.setUsage('contacts', 7)
  await env.clock.settle()
  expect(queued()).toEqual(['track', 'track', 'track', 'usage'])
  expect(env.warnings).toEqual([
    '[nudgekit] Failed to call track(): props are not a JSON object. The event is sent without them. Pass { name: value } without cycles, BigInt or functions.',
  ])
  expect(await sent()).toEqual([
    { type: 'track', event: 'report_viewed' },
    { type: 'track', event: 'report_viewed' },
    { type: 'track', event: 'report_viewed' },
    { type: 'usage', metric: 'contacts' },
  ])
  nudge.track('export')
  expect(() => nudge.destroy()).not.toThrow()
  expect(queued()).toEqual(['track'])
})

it('sends the props as they were when track() was called', async () => {
  const nudge = env.open()
  const props = { source: 'nav' }
  nudge.track('report_viewed', props)
  props.source = 'changed later'
  expect(await sent()).toEqual([{ type: 'track', event: 'report_viewed', props: { source: 'nav' } }])
})

it('takes no metric or feature name from what every object inherits', async () => {
  const nudge = env.open()
  for (const feature of ['toString', '__proto__', 'constructor']) expect(nudge.gate(feature)).toEqual({ allowed: false })
  nudge.setUsage('toString', 5)
  nudge.setUsage('constructor', 5)
  nudge.increment('__proto__')
  expect(env.warnings).toEqual([
    "[nudgekit] Failed to call gate(): feature 'toString' is not in the rules. Use one of: segmentation.",
    "[nudgekit] Failed to call gate(): feature '__proto__' is not in the rules. Use one of: segmentation.",
    "[nudgekit] Failed to call gate(): feature 'constructor' is not in the rules. Use one of: segmentation.",
    "[nudgekit] Failed to call setUsage(): metric 'toString' is not in the rules. Use one of: contacts, api_calls.",
    "[nudgekit] Failed to call setUsage(): metric 'constructor' is not in the rules. Use one of: contacts, api_calls.",
    "[nudgekit] Failed to call increment(): metric '__proto__' is not in the rules. Use one of: contacts, api_calls.",
  ])
  expect(Object.keys(nudge.$usage.get())).toEqual(['contacts', 'api_calls'])
  expect(await sent()).toEqual([])
})

it('tracks event names that objects inherit like any other name', async () => {
  const nudge = env.open()
  nudge.track('toString')
  nudge.track('__proto__')
  nudge.track('__proto__')
  expect(await sent()).toEqual([
    { type: 'track', event: 'toString' },
    { type: 'track', event: '__proto__' },
    { type: 'track', event: '__proto__' },
  ])
  const at = env.clock.now() - 1000
  expect(JSON.parse(env.storage.getItem('nudgekit:hits:acct_1:user_1')!).events).toEqual(Object.fromEntries([['toString', [at]], ['__proto__', [at, at]]]))
  expect(env.warnings).toEqual([])
})

it('warns about a listener that is not a function and returns an unsubscribe that does nothing', () => {
  const nudge = env.open()
  const unsubscribe = nudge.subscribe(5 as never)
  expect(unsubscribe()).toBeUndefined()
  expect(env.warnings).toEqual(['[nudgekit] Failed to call subscribe(): listener is not a function. Pass (prompts) => ….'])
})

it('ignores calls after destroy() with one warning, and queues nothing for the next page load', async () => {
  const nudge = env.open()
  nudge.setUsage('contacts', 10)
  await env.clock.advance(1000)
  nudge.destroy()
  nudge.setUsage('contacts', 90)
  nudge.increment('api_calls')
  expect(nudge.gate('segmentation')).toEqual({ allowed: false, requiredPlan: 'pro' })
  nudge.track('report_viewed')
  nudge.setAccount({ ...account, plan: 'pro' })
  nudge.identify({ id: 'user_2' })
  nudge.click({ trigger: 'contacts-80' } as never)
  await env.clock.settle()
  expect(env.warnings).toEqual([
    '[nudgekit] Failed to call setUsage(): the client was destroyed. Calls after destroy() are ignored: create a new client.',
  ])
  expect(nudge.$usage.get().contacts?.used).toBe(10)
  expect(nudge.$account.get().account.plan).toBe('free')
  expect(env.storage.getItem('nudgekit:hits:acct_1:user_1')).toBeNull()
  expect(queued()).toEqual([])
  env.open()
  expect(await sent()).toEqual([{ type: 'usage', metric: 'contacts' }])
})

it('warns once per plan the rules do not have, saying what the client does with it', () => {
  const nudge = env.open({ options: { account: { ...account, plan: 'enterprise' } } })
  nudge.setUsage('contacts', 5000)
  expect(nudge.$usage.get().contacts?.limit).toBeNull()
  expect(nudge.gate('segmentation')).toMatchObject({ allowed: false, requiredPlan: 'pro' })
  nudge.setAccount({ ...account, plan: 'pro' })
  nudge.setAccount({ ...account, plan: 'enterprise' })
  nudge.setAccount({ ...account, plan: 'team' })
  expect(env.warnings).toEqual([
    "[nudgekit] Failed to evaluate the account: account.plan 'enterprise' is not in the rules. Its limits count as unlimited, its gated features as locked, and only add-ons are offered. Use one of: free, pro.",
    "[nudgekit] Failed to evaluate the account: account.plan 'team' is not in the rules. Its limits count as unlimited, its gated features as locked, and only add-ons are offered. Use one of: free, pro.",
  ])
})

it('warns about account dates it cannot read, and takes epoch milliseconds, ISO strings and Dates', () => {
  const nudge = env.open({ options: { account: { ...account, createdAt: 'yesterday' } } })
  nudge.setAccount({ ...account, createdAt: env.clock.now() - DAY, renewsAt: true as never })
  nudge.setAccount({ ...account, createdAt: '2025-12-01', renewsAt: new Date(env.clock.now() + 30 * DAY) })
  nudge.setAccount({ ...account, createdAt: '2025-12-01T10:00:00Z', renewsAt: undefined })
  expect(env.warnings).toEqual([
    "[nudgekit] Failed to read the account: account.createdAt 'yesterday' is not a date. Pass epoch milliseconds, an ISO 8601 string or a Date; an unknown date fails account-age guards and renewal conditions.",
    '[nudgekit] Failed to read the account: account.renewsAt true is not a date. Pass epoch milliseconds, an ISO 8601 string or a Date; an unknown date fails account-age guards and renewal conditions.',
  ])
})

it('quotes a usage value that is a string, so it does not read as a number', () => {
  const nudge = env.open()
  nudge.setUsage('contacts', '12' as never)
  nudge.increment('api_calls', null as never)
  expect(env.warnings).toEqual([
    "[nudgekit] Failed to call setUsage(): value '12' is not a finite number ≥ 0. Pass a count such as 812.",
    '[nudgekit] Failed to call increment(): value null is not a finite number ≥ 0. Pass a count such as 812.',
  ])
})
