import { afterEach, describe, expect, it, vi } from 'vitest'
import { enqueueWebhook } from '../store/fixtures.ts'
import { sqlite } from '../store/sqlite.ts'
import type { Store } from '../store/types.ts'
import { createOutboxWorker, type OutboxWorkerOptions } from './outbox-worker.ts'
import { verifySignature } from './signature.ts'

const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000
const URL = 'https://crm.example.com/hooks'
const PAYLOAD = JSON.stringify({ id: 'sales:e1', route: 'sales', type: 'upgrade_requested', account: { id: 'acme' }, trigger: 'contacts-80' })

const stores: Store[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

/** A store, a clock, a receiver answering `responses` in turn (then 200), and a worker for the `sales` route. */
function setup(responses: Array<number | Error> = [], overrides: (store: Store) => Partial<OutboxWorkerOptions> = () => ({})) {
  const store = sqlite(':memory:')
  stores.push(store)
  let clock = T0
  const requests: Array<{ body: string; headers: Headers }> = []
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    requests.push({ body: String(init?.body), headers: new Headers(init?.headers) })
    const next = responses.shift() ?? 200
    if (next instanceof Error) throw next
    return new Response(null, { status: next, headers: next === 429 ? { 'Retry-After': '30' } : {} })
  })
  const logs: Array<[string, string, Record<string, unknown>]> = []
  const now = () => clock
  const worker = createOutboxWorker({
    outbox: store,
    targets: new Map([['sales', { url: URL, secret: 'whsec_sales' }]]),
    owner: 'test-worker',
    now,
    logger: {
      info: (message, fields) => logs.push(['info', message, fields]),
      error: (message, fields) => logs.push(['error', message, fields]),
    },
    attempt: { fetch: fetch as typeof globalThis.fetch, now, timeoutMs: 10_000 },
    backoff: { random: () => 0.5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    maxAttempts: 6,
    pollIntervalMs: 1_000,
    leaseMs: 60_000,
    batchSize: 10,
    ...overrides(store),
  })
  /** Enqueues a delivery of the route its id starts with. */
  const enqueue = (id = 'sales:e1', now = clock, account = 'acme') =>
    enqueueWebhook(store, { id, route: id.split(':')[0]!, account, key: 'upgrade_requested:contacts-80', payload: PAYLOAD, now, renotifyMs: DAY })
  return { store, worker, requests, logs, enqueue, advance: (ms: number) => (clock += ms) }
}

/** A receiver holding the requests to urls `holds` picks until the test answers them (200), and answering the rest at once. */
function heldReceiver(holds: (url: string) => boolean = () => true) {
  const held: Array<{ delivery: string; answer: () => void }> = []
  const answered: string[] = []
  let underWay = 0
  let most = 0
  const fetch = (url: string | URL | Request, init?: RequestInit) => {
    const delivery = new Headers(init?.headers).get('X-Nudgekit-Delivery')!
    if (!holds(String(url))) {
      answered.push(delivery)
      return Promise.resolve(new Response(null, { status: 200 }))
    }
    most = Math.max(most, ++underWay)
    return new Promise<Response>((resolve) => {
      held.push({ delivery, answer: () => {
        underWay--
        answered.push(delivery)
        resolve(new Response(null, { status: 200 }))
      } })
    })
  }
  return { fetch: fetch as typeof globalThis.fetch, held, answered, mostUnderWay: () => most }
}

describe('createOutboxWorker', () => {
  it('sends a due delivery once, signed, and removes it from the outbox', async () => {
    const { store, worker, requests, logs, enqueue } = setup()
    await enqueue()
    await worker.drain()
    expect(requests).toHaveLength(1)
    expect(requests[0]!.body).toBe(PAYLOAD)
    expect(requests[0]!.headers.get('X-Nudgekit-Delivery')).toBe('sales:e1')
    expect(verifySignature(PAYLOAD, requests[0]!.headers.get('X-Nudgekit-Signature'), 'whsec_sales', 300, T0)).toBe(true)
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
    expect(logs).toEqual([['info', 'webhook delivered', {
      route: 'sales', delivery: 'sales:e1', type: 'upgrade_requested', account: 'acme', trigger: 'contacts-80', attempts: 1, status: 200,
    }]])
    await worker.drain()
    expect(requests).toHaveLength(1)
  })

  it('retries network errors and 5xx no sooner than the jittered exponential backoff, with the same body and id', async () => {
    const { worker, requests, logs, enqueue, advance } = setup([new TypeError('fetch failed'), 503, 502, 200])
    await enqueue()
    // random() = 0.5 of a ceiling of 1 s, 2 s, 4 s
    for (const delay of [500, 1000, 2000]) {
      const before = requests.length
      await worker.drain()
      advance(delay - 1)
      await worker.drain()
      expect(requests).toHaveLength(before + 1)
      advance(1)
    }
    await worker.drain()
    expect(requests).toHaveLength(4)
    expect(new Set(requests.map((r) => r.body)).size).toBe(1)
    expect(new Set(requests.map((r) => r.headers.get('X-Nudgekit-Delivery')))).toEqual(new Set(['sales:e1']))
    expect(logs.map(([, message, fields]) => [message, fields.attempts, fields.retry_in_ms])).toEqual([
      ['webhook attempt failed; retrying', 1, 500],
      ['webhook attempt failed; retrying', 2, 1000],
      ['webhook attempt failed; retrying', 3, 2000],
      ['webhook delivered', 4, undefined],
    ])
  })

  it('waits at least as long as Retry-After on a 429', async () => {
    const { worker, requests, enqueue, advance } = setup([429, 200])
    await enqueue()
    await worker.drain()
    advance(29_999)
    await worker.drain()
    expect(requests).toHaveLength(1)
    advance(1)
    await worker.drain()
    expect(requests).toHaveLength(2)
  })

  it('keeps a 4xx rejection as a dead letter without retrying it', async () => {
    const { store, worker, requests, enqueue, advance } = setup([400])
    await enqueue()
    await worker.drain()
    advance(DAY)
    await worker.drain()
    expect(requests).toHaveLength(1)
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 1 })
  })

  it('dead-letters after the last attempt, logs why with the dead-letter count, and gives back the claim', async () => {
    const { store, worker, requests, logs, enqueue, advance } = setup([500, 500, 500, 500, 500, 500, 200])
    await enqueue()
    for (let i = 0; i < 6; i++) {
      await worker.drain()
      advance(60_000)
    }
    expect(requests).toHaveLength(6)
    expect(logs.at(-1)).toEqual([
      'error',
      expect.stringMatching(/^\[nudgekit\] Failed to deliver webhook: the receiver answered 500\. Check that https:\/\/crm\.example\.com\/hooks accepts POST requests; the delivery is kept in webhook_outbox as a dead letter\.$/),
      expect.objectContaining({ route: 'sales', delivery: 'sales:e1', account: 'acme', attempts: 6, status: 500, dead_letters: 1 }),
    ])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 1 })
    // Well within the re-notify delay, the account's next signal is enqueued and sent.
    expect(await enqueue('sales:e2')).toBe(true)
    await worker.drain()
    expect(requests).toHaveLength(7)
  })

  it('counts attempts whose instance stopped before recording an outcome, keeping the backoff after them', async () => {
    const { store, worker, requests, logs, enqueue, advance } = setup([503, 503, 503, 503])
    await enqueue()
    // Two instances leased it and stopped mid-attempt.
    for (let i = 0; i < 2; i++) {
      await store.leaseWebhooks({ routes: ['sales'], owner: `stopped-${i}`, now: T0 + i * 60_000, leaseMs: 60_000, limit: 10, maxAttempts: 6 })
    }
    advance(2 * 60_000)
    for (let i = 0; i < 4; i++) {
      await worker.drain()
      advance(60_000)
    }
    expect(requests).toHaveLength(4)
    expect(logs.map(([, message, fields]) => [message.split(':')[0], fields.attempts, fields.retry_in_ms])).toEqual([
      ['webhook attempt failed; retrying', 3, 2000],
      ['webhook attempt failed; retrying', 4, 4000],
      ['webhook attempt failed; retrying', 5, 8000],
      ['[nudgekit] Failed to deliver webhook', 6, undefined],
    ])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 1 })
  })

  it('dead-letters a delivery whose instance stopped mid-attempt every time instead of sending it again', async () => {
    const { store, worker, requests, logs, enqueue, advance } = setup()
    await enqueue()
    for (let i = 0; i < 6; i++) {
      await store.leaseWebhooks({ routes: ['sales'], owner: `stopped-${i}`, now: T0 + i * 60_000, leaseMs: 60_000, limit: 10, maxAttempts: 6 })
    }
    advance(6 * 60_000)
    await worker.drain()
    expect(requests).toHaveLength(0)
    expect(logs).toEqual([[
      'error',
      '[nudgekit] Failed to deliver webhook: no outcome recorded after 6 attempts (the instance stopped mid-attempt). Check that https://crm.example.com/hooks accepts POST requests; the delivery is kept in webhook_outbox as a dead letter.',
      { route: 'sales', delivery: 'sales:e1', type: 'upgrade_requested', account: 'acme', trigger: 'contacts-80', attempts: 6, dead_letters: 1 },
    ]])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 1 })
    expect(await enqueue('sales:e2')).toBe(true)
  })

  it('delivers a route enqueued after one whose receiver hangs without waiting for it; close waits for the hung one', async () => {
    const STUCK = 'https://stuck.example.com/hooks'
    const receiver = heldReceiver((url) => url === STUCK)
    const { store, worker, logs, enqueue } = setup([], () => ({
      targets: new Map([['sales', { url: URL, secret: undefined }], ['support', { url: STUCK, secret: undefined }]]),
      attempt: { fetch: receiver.fetch, now: () => T0, timeoutMs: 10_000 },
    }))
    worker.start()
    await enqueue('support:e1')
    worker.wake()
    await vi.waitFor(() => expect(receiver.held).toHaveLength(1))
    for (const [id, account] of [['sales:e1', 'acme'], ['sales:e2', 'globex']] as const) {
      await enqueue(id, T0, account)
      worker.wake()
    }
    await vi.waitFor(() => expect(receiver.answered).toEqual(['sales:e1', 'sales:e2']))
    await vi.waitFor(async () => expect(await store.webhookCounts(T0)).toEqual({ pending: 1, leased: 1, dead: 0 }))
    const stopped = worker.close()
    receiver.held[0]!.answer()
    await stopped
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
    expect(logs.map(([, message, fields]) => [message, fields.delivery])).toEqual([
      ['webhook delivered', 'sales:e1'],
      ['webhook delivered', 'sales:e2'],
      ['webhook delivered', 'support:e1'],
    ])
  })

  it('keeps at most batchSize attempts under way, leasing only into free slots, one as soon as an attempt ends', async () => {
    const receiver = heldReceiver()
    const limits: number[] = []
    const { store, worker, enqueue } = setup([], (store) => ({
      batchSize: 3,
      outbox: { ...store, leaseWebhooks: (lease) => (limits.push(lease.limit), store.leaseWebhooks(lease)) },
      attempt: { fetch: receiver.fetch, now: () => T0, timeoutMs: 10_000 },
    }))
    for (let i = 0; i < 8; i++) await enqueue(`sales:e${i}`, T0, `acct_${i}`)
    const drained = worker.drain()
    await vi.waitFor(() => expect(receiver.held).toHaveLength(3))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(receiver.held).toHaveLength(3)
    expect(limits).toEqual([3])
    receiver.held[0]!.answer()
    await vi.waitFor(() => expect(receiver.held).toHaveLength(4))
    expect(limits).toEqual([3, 1])
    for (let i = 1; i < 8; i++) {
      await vi.waitFor(() => expect(receiver.held.length).toBeGreaterThan(i))
      receiver.held[i]!.answer()
    }
    await drained
    expect(receiver.mostUnderWay()).toBe(3)
    expect(new Set(receiver.answered).size).toBe(8)
    expect(Math.max(...limits)).toBe(3)
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
  })

  it('after a failed lease leases again at the next poll, not when an attempt under way ends; and never once closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const receiver = heldReceiver()
    let down = false
    let leases = 0
    const { worker, logs, enqueue } = setup([], (store) => ({
      outbox: { ...store, leaseWebhooks: (lease) => (leases++, down ? Promise.reject(new Error('database is locked')) : store.leaseWebhooks(lease)) },
      attempt: { fetch: receiver.fetch, now: () => T0, timeoutMs: 10_000 },
    }))
    await enqueue('sales:e1')
    worker.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(receiver.held).toHaveLength(1)
    down = true
    await enqueue('sales:e2', T0, 'globex')
    worker.wake()
    await vi.advanceTimersByTimeAsync(0)
    expect(logs.map(([, message]) => message)).toEqual([
      '[nudgekit] Failed to lease webhook deliveries: database is locked. The worker looks again every 1000 ms and says when it succeeds.',
    ])
    down = false
    const afterFailure = leases
    receiver.held[0]!.answer()
    await vi.advanceTimersByTimeAsync(0)
    expect(leases).toBe(afterFailure)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(receiver.held.map(({ delivery }) => delivery)).toEqual(['sales:e1', 'sales:e2'])
    const stopped = worker.close()
    const atClose = leases
    receiver.held[1]!.answer()
    await stopped
    await vi.advanceTimersByTimeAsync(10_000)
    expect(leases).toBe(atClose)
    expect(receiver.answered).toEqual(['sales:e1', 'sales:e2'])
  })

  it('looks at the outbox every poll interval once started, and no more once closed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { worker, requests, enqueue, advance } = setup()
    worker.start()
    await vi.advanceTimersByTimeAsync(0)
    await enqueue('sales:e1')
    expect(requests).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(requests).toHaveLength(1)
    await worker.close()
    advance(DAY)
    expect(await enqueue('sales:e2')).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(requests).toHaveLength(1)
  })

  it('logs a store that cannot lease once per outage, looks again every poll, and says when it can again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let down = true
    const { worker, requests, logs, enqueue } = setup([], (store) => ({
      outbox: { ...store, leaseWebhooks: (lease) => (down ? Promise.reject(new Error('database is locked')) : store.leaseWebhooks(lease)) },
    }))
    await enqueue()
    worker.start()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(logs.map(([level, message]) => [level, message])).toEqual([
      ['error', '[nudgekit] Failed to lease webhook deliveries: database is locked. The worker looks again every 1000 ms and says when it succeeds.'],
    ])
    down = false
    await vi.advanceTimersByTimeAsync(1_000)
    expect(requests).toHaveLength(1)
    expect(logs.slice(1).map(([level, message, fields]) => [level, message, fields])).toContainEqual(
      ['info', 'webhook deliveries leased again after a failure', { error: 'database is locked' }],
    )
    await worker.close()
  })
})

