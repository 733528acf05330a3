// Delivery on its own: the bounded shared queue, in-flight marks, the retry policy, the unload path, the tab lock.
import { afterEach, expect, it, vi } from 'vitest'
import { createClock } from '../../test/clock.ts'
import { createStore, memoryStorage, type Store } from '../storage.ts'
import type { NudgeEvent } from '../types.ts'
import { createDelivery, type Delivery } from './delivery.ts'

const event = (n: number, fields: Partial<NudgeEvent> = {}): NudgeEvent => ({ id: `id-${n}`, type: 'track', ts: n, account: 'a', user: 'u', ...fields })
const accepted = () => Response.json({ accepted: 1, duplicates: 0, rejected: [] }, { status: 202 })

interface Sent {
  url: string
  init: RequestInit
  body: { key?: string; events: NudgeEvent[]; dropped: number }
}

/** A delivery over a virtual clock; `answer` makes each response (default 202), `sent` lists the requests. */
function setup(answer: (init: RequestInit) => Response | Promise<Response> = accepted, store: Store = createStore(memoryStorage())) {
  const clock = createClock()
  const sent: Sent[] = []
  const log = vi.fn()
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(url), init: init!, body: JSON.parse(init!.body as string) })
    return answer(init!)
  })
  const delivery = createDelivery({ endpoint: 'https://x.test/nk', key: 'pk_1', fetch, store, timers: clock.timers, now: clock.now, random: () => 0, log })
  deliveries.push(delivery)
  const ids = (n = sent.length - 1) => sent[n]?.body.events.map((e) => e.id)
  return { clock, sent, log, delivery, store, ids }
}
const deliveries: Delivery[] = []
/** A response that never comes unless the request is aborted. */
const hang = (init: RequestInit) =>
  new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))

afterEach(() => {
  for (const delivery of deliveries.splice(0)) delivery.stop()
  vi.unstubAllGlobals()
})

it('posts JSON with the key in the Authorization header, by size (50) at once and by time (1 s) otherwise', async () => {
  const { clock, sent, delivery, ids } = setup()
  for (let n = 0; n < 50; n++) delivery.enqueue(event(n))
  await clock.advance(0)
  expect(sent.map((r) => r.body.events.length)).toEqual([50])
  for (let n = 50; n < 53; n++) delivery.enqueue(event(n))
  expect(sent[0]).toMatchObject({ url: 'https://x.test/nk/v1/events', init: { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer pk_1' } } })
  expect(sent[0]!.body).toEqual({ events: expect.any(Array), dropped: 0 })
  await clock.advance(999)
  expect(sent).toHaveLength(1)
  await clock.advance(1)
  expect(ids()).toEqual(['id-50', 'id-51', 'id-52'])
})

it('keeps 1,000 events, dropping the oldest, and reports the drops once', async () => {
  let down = true
  const { clock, sent, log, delivery } = setup(() => (down ? new Response(null, { status: 503 }) : accepted()))
  for (let n = 0; n < 1003; n++) delivery.enqueue(event(n))
  expect(log).toHaveBeenCalledWith('dropped 1 event (queue full)')
  down = false
  await clock.advance(1000)
  const delivered = sent.slice(1)
  expect(delivered[0]!.body.events[0]!.id).toBe('id-3')
  expect(delivered.map((r) => r.body.dropped)).toEqual([3, ...Array(19).fill(0)])
  expect(delivered.flatMap((r) => r.body.events)).toHaveLength(1000)
})

it('keeps only the latest waiting usage event of an account and metric; one on the wire stays', async () => {
  const answers = [hang, accepted]
  const { clock, delivery, ids } = setup((init) => answers.shift()!(init))
  const usage = (n: number, metric: string) => event(n, { type: 'usage', metric, value: n })
  delivery.enqueue(usage(1, 'contacts'))
  await clock.advance(1000)
  delivery.enqueue(usage(2, 'contacts'))
  delivery.enqueue(usage(3, 'seats'))
  delivery.enqueue(event(4))
  delivery.enqueue(usage(5, 'contacts'))
  delivery.enqueue(usage(6, 'contacts'))
  await clock.advance(11_000) // the first request times out and is sent again with the rest
  expect(ids(0)).toEqual(['id-1'])
  expect(ids(1)).toEqual(['id-1', 'id-3', 'id-4', 'id-6'])
})

it('never gives two senders over one storage the same events, and re-sends a dead page’s batch after its mark', async () => {
  const storage = memoryStorage()
  const dead = setup(hang, createStore(storage))
  for (let n = 0; n < 3; n++) dead.delivery.enqueue(event(n))
  await dead.clock.advance(1000)
  expect(dead.ids()).toEqual(['id-0', 'id-1', 'id-2'])
  // The next page: a new store over the same storage, the batch still marked as on the wire.
  createStore(storage).flush()
  const copy = memoryStorage()
  copy.setItem('nudgekit:q1:pk_1', storage.getItem('nudgekit:q1:pk_1')!)
  const next = setup(accepted, createStore(copy))
  next.delivery.enqueue(event(3))
  await next.clock.advance(1000)
  expect(next.ids()).toEqual(['id-3'])
  await next.clock.advance(15_000)
  expect(next.ids()).toEqual(['id-0', 'id-1', 'id-2'])
})

it('retries network errors, 408, 429 and 5xx with backoff from 1 s (50–100 %), never before Retry-After', async () => {
  const answers = [
    () => Promise.reject(new TypeError('Failed to fetch')),
    () => new Response(null, { status: 408 }),
    (now: number) => new Response(null, { status: 503, headers: { 'retry-after': new Date(now + 45_000).toUTCString() } }),
    () => new Response(null, { status: 429, headers: { 'retry-after': '30' } }),
  ]
  const { clock, sent, log, delivery } = setup(() => answers.shift()?.(clock.now()) ?? accepted())
  delivery.enqueue(event(1))
  await clock.advance(1000)
  const times = [clock.now()]
  for (let i = 0; i < 4; i++) {
    const before = sent.length
    while (sent.length === before) await clock.advance(100)
    times.push(clock.now())
  }
  // random() = 0: half of 1 s, then half of 2 s; then the server's 45 s (an HTTP date has whole seconds) and 30 s.
  expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([500, 1000, 44_500, 30_000])
  expect(sent.every((r) => r.body.events[0]!.id === 'id-1')).toBe(true)
  expect(log).toHaveBeenCalledWith('retry 1 in 500 ms (TypeError)')
  expect(log).toHaveBeenCalledWith('retry 4 in 30000 ms (HTTP 429)')
})

it('aborts a request after 10 s and retries it', async () => {
  const answers = [hang, accepted]
  const { clock, sent, delivery } = setup((init) => answers.shift()!(init))
  delivery.enqueue(event(1))
  await clock.advance(1000)
  await clock.advance(10_000)
  await clock.advance(500)
  expect(sent).toHaveLength(2)
  expect((sent[0]!.init.signal as AbortSignal).aborted).toBe(true)
})

it('pauses after 10 failed attempts until flush, and keeps the events', async () => {
  const { clock, sent, log, delivery } = setup(() => new Response(null, { status: 500 }))
  delivery.enqueue(event(1))
  await clock.advance(3_600_000)
  expect(sent).toHaveLength(10)
  expect(log).toHaveBeenCalledWith('paused after 10 attempts (HTTP 500)')
  await delivery.flush()
  expect(sent).toHaveLength(11)
})

it('drops a batch refused with another 4xx and reports it; drops only the events a 202 rejects', async () => {
  const answers = [new Response(null, { status: 400 }), Response.json({ rejected: [{ index: 1, error: 'bad type' }] }, { status: 202 })]
  const { clock, sent, log, delivery } = setup(() => answers.shift() ?? accepted())
  delivery.enqueue(event(1))
  delivery.enqueue(event(2))
  await clock.advance(1000)
  expect(log).toHaveBeenCalledWith('dropped 2 event(s) (HTTP 400)')
  delivery.enqueue(event(3))
  delivery.enqueue(event(4))
  await clock.advance(1000)
  expect(sent[1]!.body.dropped).toBe(2)
  expect(log).toHaveBeenCalledWith('server rejected event id-4', 'bad type')
  delivery.enqueue(event(5))
  await clock.advance(60_000)
  expect(sent.map((r) => [r.body.dropped, r.body.events.length])).toEqual([[0, 2], [2, 2], [0, 1]])
})

it('on unload sends under 60 KB with keepalive, as text/plain with the key in the body, and sends the rest later', async () => {
  const { clock, sent, delivery, ids } = setup()
  for (let n = 0; n < 10; n++) delivery.enqueue(event(n, { props: { padding: 'x'.repeat(10_000) } }))
  delivery.unload()
  expect(sent).toHaveLength(1)
  expect(sent[0]!.init).toMatchObject({ keepalive: true, headers: { 'content-type': 'text/plain' } })
  expect(sent[0]!.body.key).toBe('pk_1')
  expect(ids()).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4'])
  await clock.advance(1000)
  expect(ids()).toEqual(['id-5', 'id-6', 'id-7', 'id-8', 'id-9'])
})

it('falls back to sendBeacon where fetch has no keepalive; what it refuses goes later', async () => {
  const sendBeacon = vi.fn((_url: string, body: string) => JSON.parse(body).events.length < 2)
  vi.stubGlobal('Request', class {})
  vi.stubGlobal('navigator', { sendBeacon })
  const { clock, sent, delivery } = setup()
  delivery.enqueue(event(1))
  delivery.unload()
  expect(sendBeacon).toHaveBeenCalledWith('https://x.test/nk/v1/events', expect.stringContaining('"key":"pk_1"'))
  delivery.enqueue(event(2))
  delivery.enqueue(event(3))
  delivery.unload()
  await clock.advance(1000)
  expect(sent.map((r) => r.body.events.map((e) => e.id))).toEqual([['id-2', 'id-3']])
})

it('sends only while it holds the Web Lock of its key', async () => {
  let held = true
  const request = vi.fn(async (_name: string, _options: LockOptions, task: (lock: Lock | null) => Promise<boolean>) => task(held ? null : ({} as Lock)))
  vi.stubGlobal('navigator', { locks: { request } })
  const { clock, sent, delivery } = setup()
  delivery.enqueue(event(1))
  await clock.advance(1000)
  expect(request).toHaveBeenCalledWith('nudgekit:flush:pk_1', { ifAvailable: true }, expect.any(Function))
  expect(sent).toHaveLength(0)
  held = false
  await clock.advance(1000)
  expect(sent).toHaveLength(1)
})

it('stops: aborts requests on the wire and no longer listens to the page', async () => {
  const { clock, sent, delivery } = setup(hang)
  delivery.enqueue(event(1))
  await clock.advance(1000)
  delivery.stop()
  expect((sent[0]!.init.signal as AbortSignal).aborted).toBe(true)
  await clock.settle()
  window.dispatchEvent(new Event('pagehide'))
  window.dispatchEvent(new Event('online'))
  await clock.advance(60_000)
  expect(sent).toHaveLength(1)
})
