// The HTTP contract with the server: event batches, auth, partial rejects, drops, retries, unload, rules, state.
import { expect, it, vi } from 'vitest'
import { memoryStorage } from '../src/storage.ts'
import type { StorageLike } from '../src/types.ts'
import { BASE_RULES, compileRules } from './fixtures.ts'
import { setupHarness } from './harness.ts'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const rules = compileRules(BASE_RULES)
const env = setupHarness(rules, { storage: 'per-client' })
const posts = () => env.fake.requests.filter((r) => r.path === '/v1/events')

it('posts events as JSON with the publishable key, each with a UUIDv7 id, type, ts, account and user', async () => {
  const nudge = env.open()
  nudge.track('report_viewed', { source: 'nav' })
  await env.clock.advance(1000)
  expect(posts()).toEqual([{ method: 'POST', path: '/v1/events', contentType: 'application/json', authorization: 'Bearer pk_test_1', count: 1 }])
  const [event] = env.fake.events
  expect(event).toEqual({
    id: expect.stringMatching(UUID_V7),
    type: 'track',
    ts: env.clock.now() - 1000,
    account: 'acct_1',
    user: 'user_1',
    event: 'report_viewed',
    props: { source: 'nav' },
  })
})

it('waits a second to batch a few events', async () => {
  const nudge = env.open()
  for (let n = 0; n < 3; n++) nudge.track('report_viewed', { n })
  await env.clock.advance(999)
  expect(posts()).toHaveLength(0)
  await env.clock.advance(1)
  expect(posts().map((r) => r.count)).toEqual([3])
})

it('sends a full batch at once, at most 50 events per request, until the queue is empty', async () => {
  const nudge = env.open()
  for (let n = 0; n < 120; n++) nudge.track('report_viewed', { n })
  await env.clock.advance(0)
  expect(posts().map((r) => r.count)).toEqual([50, 50, 20])
  expect(env.fake.events.map((e) => e.props?.n)).toEqual([...Array(120).keys()])
})

it('removes a whole batch on 202 and does not retry the events the server rejected', async () => {
  const debug = vi.spyOn(console, 'debug').mockImplementation(() => {})
  env.fake.reject = (event) => (event.props?.bad ? 'props.bad is not allowed' : undefined)
  const nudge = env.open({ options: { debug: true } })
  nudge.track('report_viewed', { bad: true })
  nudge.track('report_viewed', { n: 1 })
  await env.clock.advance(60_000)
  expect(posts()).toHaveLength(1)
  expect(env.fake.events.map((e) => e.props)).toEqual([{ n: 1 }])
  expect(debug).toHaveBeenCalledWith(expect.stringMatching(/server rejected event [0-9a-f-]{36}/), 'props.bad is not allowed')
})

it('drops a batch the server refuses with a 4xx other than 408/429 and reports the count in the next batch', async () => {
  env.fake.failWith.push(400)
  const nudge = env.open()
  nudge.track('a')
  nudge.track('b')
  await env.clock.advance(1000)
  nudge.track('c')
  await env.clock.advance(60_000)
  expect(env.fake.events.map((e) => e.event)).toEqual(['c'])
  expect(env.fake.droppedReported).toBe(2)
  expect(posts()).toHaveLength(2)
})

it('retries a 503 after a jittered backoff that starts at 1 s', async () => {
  env.fake.failWith.push(503, 503)
  const nudge = env.open()
  nudge.track('a')
  await env.clock.advance(1000)
  expect(posts()).toHaveLength(1)
  await env.clock.advance(749) // 1 s × (0.5 + random / 2) with random = 0.5
  expect(posts()).toHaveLength(1)
  await env.clock.advance(1)
  expect(posts()).toHaveLength(2)
  await env.clock.advance(1499) // doubled
  expect(posts()).toHaveLength(2)
  await env.clock.advance(1)
  expect(posts()).toHaveLength(3)
  expect(env.fake.events.map((e) => e.event)).toEqual(['a'])
})

it('honours Retry-After in seconds and as an HTTP date', async () => {
  env.fake.failWith.push(
    { status: 429, retryAfter: () => '30' },
    { status: 503, retryAfter: () => new Date(env.clock.now() + 45_000).toUTCString() },
  )
  const nudge = env.open()
  nudge.track('a')
  await env.clock.advance(1000)
  expect(posts()).toHaveLength(1)
  await env.clock.advance(29_000)
  expect(posts()).toHaveLength(1)
  await env.clock.advance(1000)
  expect(posts()).toHaveLength(2)
  await env.clock.advance(44_000)
  expect(posts()).toHaveLength(2)
  await env.clock.advance(1000)
  expect(posts()).toHaveLength(3)
  expect(env.fake.events.map((e) => e.event)).toEqual(['a'])
})

it('pauses after 10 failed attempts, keeps the events, and sends them when the browser is back online', async () => {
  env.fake.failWith.push(...Array(10).fill(503))
  const nudge = env.open()
  nudge.track('a')
  await env.clock.advance(3_600_000)
  expect(posts()).toHaveLength(10)
  expect(env.fake.events).toHaveLength(0)
  window.dispatchEvent(new Event('online'))
  await env.clock.settle()
  expect(env.fake.events.map((e) => e.event)).toEqual(['a'])
})

it('resumes a paused sender when the page becomes visible again', async () => {
  env.fake.failWith.push(...Array(10).fill(503))
  const nudge = env.open()
  nudge.track('a')
  await env.clock.advance(3_600_000)
  expect(env.fake.events).toHaveLength(0)
  document.dispatchEvent(new Event('visibilitychange'))
  await env.clock.settle()
  expect(env.fake.events.map((e) => e.event)).toEqual(['a'])
})

it('on pagehide sends the queue with a keepalive text/plain request that carries the key in the body', async () => {
  const nudge = env.open()
  nudge.track('a')
  window.dispatchEvent(new Event('pagehide'))
  await env.clock.settle()
  expect(posts()).toEqual([{ method: 'POST', path: '/v1/events', contentType: 'text/plain', authorization: null, count: 1 }])
  expect(env.fake.events.map((e) => e.event)).toEqual(['a'])
  await env.clock.advance(60_000)
  expect(posts()).toHaveLength(1)
})

it('sends the queue when the page is hidden and, when the page lives on, does not send it again', async () => {
  const nudge = env.open()
  nudge.track('a')
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
  try {
    document.dispatchEvent(new Event('visibilitychange'))
  } finally {
    Reflect.deleteProperty(document, 'visibilityState')
  }
  await env.clock.settle()
  expect(posts().map((r) => r.contentType)).toEqual(['text/plain'])
  nudge.track('b')
  await env.clock.advance(60_000)
  expect(env.fake.events.map((e) => e.event)).toEqual(['a', 'b'])
  expect(env.fake.duplicates).toBe(0)
})

it('keeps at most 1,000 queued events, dropping the oldest, and reports the drops', async () => {
  env.fake.failWith.push(...Array(10).fill(503))
  const nudge = env.open()
  for (let n = 0; n < 1005; n++) nudge.track('report_viewed', { n })
  await env.clock.advance(3_600_000)
  await nudge.flush()
  await env.clock.advance(30_000)
  expect(env.fake.events).toHaveLength(1000)
  expect(env.fake.events[0]?.props).toEqual({ n: 5 })
  expect(env.fake.droppedReported).toBe(5)
})

it('warns once, without debug, when the server refuses the key for rules, state and events', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const nudge = env.open({ rules: undefined, options: { key: 'pk_test_unknown' } })
  nudge.track('report_viewed')
  await env.clock.advance(1000)
  expect(env.fake.requests.map((r) => r.path).sort()).toEqual(['/v1/events', '/v1/rules', '/v1/state'])
  expect(warn.mock.calls).toEqual([
    [
      '[nudgekit] Failed to authenticate: https://app.example.test/nudgekit answered HTTP 401. Check options.key and options.endpoint: the key must be a publishable key (pk_…) of this server, the endpoint its base URL, and a proxy or CORS setup in between must pass the Authorization header.',
    ],
  ])
})

it('warns about a 403 the same way, and only once per client whatever refuses it next', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const nudge = env.open()
  env.fake.failWith.push(403, 401)
  nudge.track('report_viewed')
  await env.clock.advance(1000)
  nudge.track('report_viewed')
  await env.clock.advance(1000)
  expect(posts()).toHaveLength(2)
  expect(warn.mock.calls.map(([text]) => String(text).split('. ')[0])).toEqual(['[nudgekit] Failed to authenticate: https://app.example.test/nudgekit answered HTTP 403'])
})

/** Leaves events 'a' and 'b' queued in `storage` under `pk_test_1`: the page closed while the server failed. */
async function closeWithQueue(storage: StorageLike): Promise<void> {
  const nudge = env.open({ storage })
  nudge.track('a')
  nudge.track('b')
  env.fake.failWith.push(503)
  nudge.destroy()
  await env.clock.advance(0)
  env.fake.requests.length = 0
}
const keysOfPosts = () => posts().map((r) => r.authorization)

it('sends what a page queued under a rolled key with that key, exactly once, then forgets the key', async () => {
  const storage = memoryStorage()
  await closeWithQueue(storage)
  env.fake.keys.add('pk_test_2')
  const nudge = env.open({ storage, options: { key: 'pk_test_2' } })
  nudge.track('c')
  await env.clock.advance(1000)
  expect(keysOfPosts()).toEqual(['Bearer pk_test_1', 'Bearer pk_test_2'])
  expect(env.fake.events.map((e) => e.event)).toEqual(['a', 'b', 'c'])
  expect(env.fake.duplicates).toBe(0)
  // The old queue is empty: the next page sends with the new key only, and none of the old events again.
  nudge.destroy()
  env.fake.requests.length = 0
  env.open({ storage, options: { key: 'pk_test_2' } }).track('d')
  await env.clock.advance(1000)
  expect(keysOfPosts()).toEqual(['Bearer pk_test_2'])
  expect(env.fake.events.map((e) => e.event)).toEqual(['a', 'b', 'c', 'd'])
})

it("drops what a page queued under a key the server no longer takes, without warning about this client's key", async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const storage = memoryStorage()
  await closeWithQueue(storage)
  env.fake.keys = new Set(['pk_test_2'])
  const nudge = env.open({ storage, options: { key: 'pk_test_2' } })
  await env.clock.advance(60_000)
  expect(keysOfPosts()).toEqual(['Bearer pk_test_1'])
  expect(env.fake.events).toEqual([])
  expect(warn).not.toHaveBeenCalled()
  nudge.destroy()
  env.fake.requests.length = 0
  env.open({ storage, options: { key: 'pk_test_2' } })
  await env.clock.advance(60_000)
  expect(keysOfPosts()).toEqual([])
})

it('sends the queue of a page still on the old key (a stale tab) once a page on the new key opens', async () => {
  const storage = memoryStorage()
  env.fake.keys.add('pk_test_2')
  env.open({ storage, options: { key: 'pk_test_2' } }).destroy()
  // The stale page queues under the old key; the next page on the new key sends that queue with the old key.
  await closeWithQueue(storage)
  env.open({ storage, options: { key: 'pk_test_2' } })
  await env.clock.advance(1000)
  expect(keysOfPosts()).toEqual(['Bearer pk_test_1'])
  expect(env.fake.events.map((e) => e.event)).toEqual(['a', 'b'])
})

it('fetches rules with the key, caches them with the ETag and revalidates with If-None-Match (304)', async () => {
  const storage = memoryStorage()
  env.open({ storage, rules: undefined })
  await env.clock.settle()
  const second = env.open({ storage, rules: undefined })
  expect(second.$rules.get()?.hash).toBe(rules.hash)
  await env.clock.settle()
  const gets = env.fake.requests.filter((r) => r.path === '/v1/rules')
  expect(gets.map((r) => r.authorization)).toEqual(['Bearer pk_test_1', 'Bearer pk_test_1'])
  expect(env.fake.notModified).toBe(1)
  expect(second.$rules.get()?.hash).toBe(rules.hash)
})

it('merges the account state from GET /v1/state so caps hold across users and devices', async () => {
  env.fake.state.acct_1 = { 'contacts-80': { impressions: 3, lastShownAt: env.clock.now() - 10 * 86_400_000 } }
  const nudge = env.open()
  nudge.setUsage('contacts', 90)
  expect(nudge.$prompts.get().banner?.trigger).toBe('contacts-80')
  await env.clock.settle()
  expect(env.fake.requests.find((r) => r.path === '/v1/state')?.authorization).toBe('Bearer pk_test_1')
  expect(nudge.$prompts.get().banner).toBeUndefined()
})
