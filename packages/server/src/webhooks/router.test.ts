import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Route } from '@nudgekit/rules'
import { sqlite } from '../store/sqlite.ts'
import type { NudgeEvent, Store } from '../store/types.ts'
import { createRouter, DEFAULT_RENOTIFY_MS, type WebhookPayload, type WebhookRouterOptions } from './router.ts'
import { verifySignature } from './signature.ts'

const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000

function event(overrides: Partial<NudgeEvent>): NudgeEvent {
  return {
    id: '0194f6c0-0000-7000-8000-000000000001',
    type: 'upgrade_requested',
    ts: T0,
    account: 'acme',
    user: 'u1',
    trigger: 'contacts-80',
    variant: 'a',
    props: { plan: 'free', role: 'member' },
    ...overrides,
  }
}

const stores: Store[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

function openStore(): Store {
  const store = sqlite(':memory:')
  stores.push(store)
  return store
}

/** A receiver answering `responses` in turn, then 200, keeping every request it gets. */
function receiver(responses: Array<number | Error> = []) {
  const requests: Array<{ url: string; body: string; headers: Headers }> = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: String(init?.body), headers: new Headers(init?.headers) })
    const next = responses.shift() ?? 200
    if (next instanceof Error) throw next
    return new Response(null, { status: next })
  })
  return { requests, fetch: fetch as typeof globalThis.fetch }
}

/** A router on a fresh in-memory store (or `store`), with a clock tests move and logs they read. */
function setup(routes: Route[], responses: Array<number | Error> = [], options: Partial<WebhookRouterOptions> & { store?: Store } = {}) {
  const clock = { now: T0 }
  const { requests, fetch } = receiver(responses)
  const logs: Array<[string, string, Record<string, unknown>]> = []
  const store = options.store ?? openStore()
  const router = createRouter({
    routes,
    store,
    fetch,
    now: () => clock.now,
    env: { SALES_SECRET: 'whsec_sales' },
    logger: {
      info: (message, fields) => logs.push(['info', message, fields]),
      error: (message, fields) => logs.push(['error', message, fields]),
    },
    delivery: { random: () => 0.5 },
    ...options,
  })
  /** What POST /v1/events does: ingest with the router's deliveries in the transaction, then wake its worker. */
  const ingest = async (events: NudgeEvent[]) => {
    const result = await store.ingest('pk', events, { route: router.deliveriesFor })
    if (result.enqueued) router.wake()
  }
  return { router, store, ingest, requests, logs, clock, advance: (ms: number) => (clock.now += ms) }
}

const salesRoute: Route = { id: 'sales', url: 'https://crm.example.com/hooks', on: ['upgrade_requested'], secret_env: 'SALES_SECRET' }

describe('createRouter', () => {
  it('posts a signed payload with account context for an upgrade request', async () => {
    const { router, ingest, requests } = setup([salesRoute])
    await ingest([event({})])
    await router.idle()
    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request!.url).toBe('https://crm.example.com/hooks')
    const payload = JSON.parse(request!.body) as WebhookPayload
    expect(payload).toEqual({
      id: 'sales:0194f6c0-0000-7000-8000-000000000001',
      route: 'sales',
      type: 'upgrade_requested',
      ts: '2026-01-01T00:00:00.000Z',
      account: { id: 'acme', plan: 'free' },
      user: { id: 'u1', role: 'member' },
      trigger: 'contacts-80',
      variant: 'a',
    })
    expect(request!.headers.get('X-Nudgekit-Delivery')).toBe(payload.id)
    expect(verifySignature(request!.body, request!.headers.get('X-Nudgekit-Signature'), 'whsec_sales', 300, T0)).toBe(true)
  })

  it('builds the deliveries of events without storing or sending anything', async () => {
    const { router, store, requests } = setup([salesRoute, { id: 'cs', url: 'https://cs.example.com/', on: ['seats-cap'] }])
    expect(router.deliveriesFor([event({}), event({ id: 'e2', type: 'click' })])).toEqual([{
      id: 'sales:0194f6c0-0000-7000-8000-000000000001',
      route: 'sales',
      account: 'acme',
      key: 'upgrade_requested:contacts-80',
      payload: expect.stringContaining('"id":"sales:0194f6c0-0000-7000-8000-000000000001"'),
      now: T0,
      renotifyMs: DEFAULT_RENOTIFY_MS,
    }])
    await router.idle()
    expect(requests).toHaveLength(0)
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
  })

  it('routes impressions and eligibility of chosen triggers only', async () => {
    const { router, ingest, requests } = setup([{ id: 'cs', url: 'https://cs.example.com/', on: ['seats-cap'] }])
    await ingest([
      event({ id: 'e1', type: 'impression', trigger: 'seats-cap', account: 'a1' }),
      event({ id: 'e2', type: 'eligible', trigger: 'seats-cap', account: 'a2' }),
      event({ id: 'e3', type: 'impression', trigger: 'contacts-80', account: 'a3' }),
      event({ id: 'e4', type: 'click', trigger: 'seats-cap', account: 'a4' }),
      event({ id: 'e5', type: 'upgrade_requested', trigger: 'seats-cap', account: 'a5' }),
    ])
    await router.idle()
    expect(requests.map((r) => (JSON.parse(r.body) as WebhookPayload).account.id).sort()).toEqual(['a1', 'a2'])
    expect(requests[0]!.headers.has('X-Nudgekit-Signature')).toBe(false)
  })

  it('notifies once per route, account and trigger until the re-notify delay has passed', async () => {
    const { router, ingest, requests, advance } = setup([{ ...salesRoute, renotify_after: '3d' }])
    await ingest([event({ id: 'e1' }), event({ id: 'e2' })])
    await router.idle()
    expect(requests).toHaveLength(1)

    advance(3 * DAY - 1)
    await ingest([event({ id: 'e3' })])
    await router.idle()
    expect(requests).toHaveLength(1)

    advance(1)
    await ingest([event({ id: 'e4' }), event({ id: 'e5', account: 'globex' })])
    await router.idle()
    expect(requests).toHaveLength(3)
  })

  it('re-notifies after a week when the route sets no delay', async () => {
    const { router, ingest, requests, advance } = setup([salesRoute])
    await ingest([event({ id: 'e1' })])
    await router.idle()
    advance(DEFAULT_RENOTIFY_MS - 1)
    await ingest([event({ id: 'e2' })])
    await router.idle()
    expect(requests).toHaveLength(1)
    advance(1)
    await ingest([event({ id: 'e3' })])
    await router.idle()
    expect(requests).toHaveLength(2)
  })

  it('keeps the upgrade request of a trigger apart from its impressions when deduplicating', async () => {
    const { router, ingest, requests } = setup([{ id: 'both', url: 'https://x.example.com/', on: ['upgrade_requested', 'contacts-80'] }])
    await ingest([event({ id: 'e1', type: 'impression' }), event({ id: 'e2', type: 'upgrade_requested' })])
    await router.idle()
    expect(requests.map((r) => (JSON.parse(r.body) as WebhookPayload).type).sort()).toEqual(['impression', 'upgrade_requested'])
  })

  it('routes the next request again after a delivery that failed every attempt', async () => {
    // random() = 0: every retry is due at once, so one idle() runs all six attempts.
    const { router, ingest, requests, store } = setup([salesRoute], [500, 500, 500, 500, 500, 500, 200], { delivery: { random: () => 0 } })
    await ingest([event({})])
    await router.idle()
    expect(requests).toHaveLength(6)
    await ingest([event({ id: '0194f6c0-0000-7000-8000-000000000002' })])
    await router.idle()
    expect(requests).toHaveLength(7)
    expect(JSON.parse(requests[6]!.body)).toMatchObject({ id: 'sales:0194f6c0-0000-7000-8000-000000000002' })
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 1 })
  })

  it('disables a route whose secret variable is not set, and says which', async () => {
    const { router, ingest, requests, logs } = setup([{ ...salesRoute, secret_env: 'MISSING_SECRET' }])
    await ingest([event({})])
    await router.idle()
    expect(requests).toHaveLength(0)
    expect(logs[0]![1]).toContain("route 'sales': the environment variable MISSING_SECRET is empty or not set")
  })

  it.each(['/hooks/relative', 'ftp://crm.example.com/hooks', 'not a url'])('disables a route whose url is not http(s): %s', async (url) => {
    const { router, ingest, requests, logs } = setup([{ ...salesRoute, url }])
    await ingest([event({})])
    await router.idle()
    expect(requests).toHaveLength(0)
    expect(logs[0]![1]).toContain("Failed to set up route 'sales'")
  })

  it('refuses a lease no longer than an attempt may take', () => {
    expect(() => setup([salesRoute], [], { leaseMs: 10_000 })).toThrow(/leaseMs \(10000\) is not longer than an attempt may take \(timeoutMs 10000\)/)
  })
})

describe('durable delivery', () => {
  it('sends an enqueued webhook at once when started, without waiting for a poll', async () => {
    const { router, ingest, requests } = setup([salesRoute], [], { pollIntervalMs: 3_600_000 })
    router.start()
    await ingest([event({})])
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    await router.close()
  })

  it('delivers, after a restart, what the stopped router left in the outbox', async () => {
    const store = openStore()
    const before = setup([salesRoute], [503], { store })
    await before.ingest([event({ id: 'e1' }), event({ id: 'e2', account: 'globex' })])
    await before.router.idle()
    await before.router.close()
    expect(before.requests).toHaveLength(2)
    expect(await store.webhookCounts(T0)).toEqual({ pending: 1, leased: 0, dead: 0 })

    const after = setup([salesRoute], [], { store })
    after.advance(500)
    await after.router.idle()
    expect(after.requests).toHaveLength(1)
    expect(after.requests[0]!.headers.get('X-Nudgekit-Delivery')).toBe(before.requests[0]!.headers.get('X-Nudgekit-Delivery'))
    expect(after.logs).toEqual([['info', 'webhook delivered', expect.objectContaining({ attempts: 2, status: 200 })]])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
  })

  it('dead-letters on start the deliveries of a route no longer in the rules, once older than a lease', async () => {
    const store = openStore()
    const csRoute: Route = { id: 'cs', url: 'https://cs.example.com/hooks', on: ['upgrade_requested'] }
    const old = setup([salesRoute, csRoute], Array<number>(8).fill(503), { store })
    await old.ingest([event({ id: 'e1' })])
    await old.router.idle()
    old.advance(30_000)
    await old.ingest([event({ id: 'e2', account: 'globex' })])
    await old.router.idle()
    await old.router.close()
    expect(await store.webhookCounts(T0)).toEqual({ pending: 4, leased: 0, dead: 0 })

    const updated = setup([salesRoute], [], { store, pollIntervalMs: 3_600_000 })
    updated.advance(60_000)
    updated.router.start()
    await updated.router.idle()
    await updated.router.close()
    // cs:e1 is a lease old; cs:e2, enqueued 30 s ago, may be an instance's still on the old rules.
    expect(updated.logs.filter(([level]) => level === 'error')).toEqual([[
      'error',
      '[nudgekit] Failed to deliver 1 webhook: their routes are no longer in the rules, or are disabled. They are kept in webhook_outbox as dead letters (last_error names the route); send them again once the route is back.',
      { dead_lettered: 1 },
    ]])
    expect(updated.requests.map((r) => r.headers.get('X-Nudgekit-Delivery')).sort()).toEqual(['sales:e1', 'sales:e2'])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 1, leased: 0, dead: 1 })
  })

  it('takes over a delivery whose instance died mid-attempt once its lease ends', async () => {
    const store = openStore()
    const hung: Array<(response: Response) => void> = []
    const fetch = (() => new Promise<Response>((resolve) => hung.push(resolve))) as typeof globalThis.fetch
    const crashed = setup([salesRoute], [], { store, fetch, leaseMs: 30_000 })
    const survivor = setup([salesRoute], [], { store, leaseMs: 30_000 })
    await crashed.ingest([event({})])
    const crashedAttempt = crashed.router.idle()
    await vi.waitFor(() => expect(hung).toHaveLength(1))

    await survivor.router.idle()
    expect(survivor.requests).toHaveLength(0)
    survivor.advance(30_000)
    await survivor.router.idle()
    expect(survivor.requests).toHaveLength(1)
    expect(survivor.requests[0]!.headers.get('X-Nudgekit-Delivery')).toBe('sales:0194f6c0-0000-7000-8000-000000000001')
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })

    // Only slow after all: its late failure changes nothing the survivor recorded.
    hung[0]!(new Response(null, { status: 500 }))
    await crashedAttempt
    expect(crashed.logs).toEqual([])
    expect(await store.webhookCounts(T0)).toEqual({ pending: 0, leased: 0, dead: 0 })
  })
})
