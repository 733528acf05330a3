import { describe, expect, it, vi } from 'vitest'
import type { Route } from '@nudgekit/rules'
import type { NudgeEvent } from '../store/types.ts'
import { createRouter, DEFAULT_RENOTIFY_MS, type ClaimNotification, type ReleaseNotification, type WebhookPayload } from './router.ts'
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

/** An in-memory claim table with the store's semantics; `release` gives back the claim made at a time. */
function memoryClaims(): ClaimNotification & { calls: unknown[][]; release: ReleaseNotification } {
  const last = new Map<string, number>()
  const calls: unknown[][] = []
  const claim = async (route: string, account: string, trigger: string, now: number, renotifyMs: number) => {
    calls.push([route, account, trigger, now, renotifyMs])
    const key = `${route}|${account}|${trigger}`
    const previous = last.get(key)
    if (previous !== undefined && now - previous < renotifyMs) return false
    last.set(key, now)
    return true
  }
  const release = async (route: string, account: string, trigger: string, claimedAt: number) => {
    const key = `${route}|${account}|${trigger}`
    if (last.get(key) === claimedAt) last.delete(key)
  }
  return Object.assign(claim, { calls, release })
}

function setup(routes: Route[], responses: Array<number | Error> = [], { release = true } = {}) {
  let clock = T0
  const requests: Array<{ url: string; body: string; headers: Headers }> = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(url), body: String(init?.body), headers: new Headers(init?.headers) })
    const next = responses.shift() ?? 200
    if (next instanceof Error) throw next
    return new Response(null, { status: next, headers: next === 429 ? { 'Retry-After': '30' } : {} })
  })
  const sleeps: number[] = []
  const logs: Array<[string, string, Record<string, unknown>]> = []
  const claim = memoryClaims()
  const router = createRouter({
    routes,
    claim,
    ...(release ? { release: claim.release } : {}),
    fetch: fetch as typeof globalThis.fetch,
    now: () => clock,
    env: { SALES_SECRET: 'whsec_sales' },
    logger: {
      info: (message, fields) => logs.push(['info', message, fields]),
      error: (message, fields) => logs.push(['error', message, fields]),
    },
    delivery: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  })
  return { router, requests, sleeps, logs, claim, advance: (ms: number) => (clock += ms) }
}

const salesRoute: Route = { id: 'sales', url: 'https://crm.example.com/hooks', on: ['upgrade_requested'], secret_env: 'SALES_SECRET' }

describe('createRouter', () => {
  it('posts a signed payload with account context for an upgrade request', async () => {
    const { router, requests } = setup([salesRoute])
    router.onEvents([event({})], 'pk_live_abcdefghijk')
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

  it('returns before any delivery happens, so the 202 is never held up', () => {
    const { router, requests } = setup([salesRoute])
    router.onEvents([event({})], 'pk')
    expect(requests).toHaveLength(0)
  })

  it('routes impressions and eligibility of chosen triggers only', async () => {
    const { router, requests } = setup([{ id: 'cs', url: 'https://cs.example.com/', on: ['seats-cap'] }])
    router.onEvents(
      [
        event({ id: 'e1', type: 'impression', trigger: 'seats-cap', account: 'a1' }),
        event({ id: 'e2', type: 'eligible', trigger: 'seats-cap', account: 'a2' }),
        event({ id: 'e3', type: 'impression', trigger: 'contacts-80', account: 'a3' }),
        event({ id: 'e4', type: 'click', trigger: 'seats-cap', account: 'a4' }),
        event({ id: 'e5', type: 'upgrade_requested', trigger: 'seats-cap', account: 'a5' }),
      ],
      'pk',
    )
    await router.idle()
    expect(requests.map((r) => (JSON.parse(r.body) as WebhookPayload).account.id).sort()).toEqual(['a1', 'a2'])
    expect(requests[0]!.headers.has('X-Nudgekit-Signature')).toBe(false)
  })

  it('notifies once per route, account and trigger until the re-notify delay has passed', async () => {
    const { router, requests, advance, claim } = setup([{ ...salesRoute, renotify_after: '3d' }])
    router.onEvents([event({ id: 'e1' }), event({ id: 'e2' })], 'pk')
    await router.idle()
    expect(requests).toHaveLength(1)
    expect(claim.calls[0]).toEqual(['sales', 'acme', 'upgrade_requested:contacts-80', T0, 3 * DAY])

    advance(3 * DAY - 1)
    router.onEvents([event({ id: 'e3' })], 'pk')
    await router.idle()
    expect(requests).toHaveLength(1)

    advance(1)
    router.onEvents([event({ id: 'e4' }), event({ id: 'e5', account: 'globex' })], 'pk')
    await router.idle()
    expect(requests).toHaveLength(3)
  })

  it('re-notifies after a week when the route sets no delay', async () => {
    const { router, claim } = setup([salesRoute])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(claim.calls[0]![4]).toBe(DEFAULT_RENOTIFY_MS)
  })

  it('keeps the upgrade request of a trigger apart from its impressions when deduplicating', async () => {
    const { router, requests } = setup([{ id: 'both', url: 'https://x.example.com/', on: ['upgrade_requested', 'contacts-80'] }])
    router.onEvents([event({ id: 'e1', type: 'impression' }), event({ id: 'e2', type: 'upgrade_requested' })], 'pk')
    await router.idle()
    expect(requests.map((r) => (JSON.parse(r.body) as WebhookPayload).type).sort()).toEqual(['impression', 'upgrade_requested'])
  })

  it('retries network errors and 5xx with jittered exponential backoff, then succeeds', async () => {
    const { router, requests, sleeps, logs } = setup([salesRoute], [new TypeError('fetch failed'), 503, 502, 200])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(requests).toHaveLength(4)
    // random() = 0.5 of a ceiling of 1 s, 2 s, 4 s
    expect(sleeps).toEqual([500, 1000, 2000])
    expect(new Set(requests.map((r) => r.body)).size).toBe(1)
    expect(logs.at(-1)).toEqual(['info', 'webhook delivered', expect.objectContaining({ attempts: 4, status: 200 })])
  })

  it('waits at least as long as Retry-After on a 429', async () => {
    const { router, sleeps } = setup([salesRoute], [429, 200])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(sleeps).toEqual([30_000])
  })

  it('gives up after the last attempt and logs why', async () => {
    const { router, requests, sleeps, logs } = setup([salesRoute], [500, 500, 500, 500, 500, 500])
    router.onEvents([event({})], 'pk_live_abcdefghijk')
    await router.idle()
    expect(requests).toHaveLength(6)
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000])
    expect(logs.at(-1)).toEqual([
      'error',
      expect.stringMatching(/^\[nudgekit\] Failed to deliver webhook: the receiver answered 500\./),
      expect.objectContaining({ route: 'sales', account: 'acme', attempts: 6, source: 'pk_live_…', released: true }),
    ])
  })

  it('routes the next request again after a delivery that failed every attempt', async () => {
    const { router, requests } = setup([salesRoute], [500, 500, 500, 500, 500, 500, 200])
    router.onEvents([event({})], 'pk')
    await router.idle()
    router.onEvents([event({ id: '0194f6c0-0000-7000-8000-000000000002' })], 'pk')
    await router.idle()
    expect(requests).toHaveLength(7)
    expect(JSON.parse(requests[6]!.body)).toMatchObject({ id: 'sales:0194f6c0-0000-7000-8000-000000000002' })
  })

  it('without release, a failed delivery still counts as sent until the re-notify delay passes', async () => {
    const { router, requests } = setup([salesRoute], [500, 500, 500, 500, 500, 500, 200], { release: false })
    router.onEvents([event({})], 'pk')
    await router.idle()
    router.onEvents([event({ id: '0194f6c0-0000-7000-8000-000000000002' })], 'pk')
    await router.idle()
    expect(requests).toHaveLength(6)
  })

  it('does not retry a 4xx rejection', async () => {
    const { router, requests } = setup([salesRoute], [400])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(requests).toHaveLength(1)
  })

  it('disables a route whose secret variable is not set, and says which', async () => {
    const { router, requests, logs } = setup([{ ...salesRoute, secret_env: 'MISSING_SECRET' }])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(requests).toHaveLength(0)
    expect(logs[0]![1]).toContain("route 'sales': the environment variable MISSING_SECRET is empty or not set")
  })

  it.each(['/hooks/relative', 'ftp://crm.example.com/hooks', 'not a url'])('disables a route whose url is not http(s): %s', async (url) => {
    const { router, requests, logs } = setup([{ ...salesRoute, url }])
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(requests).toHaveLength(0)
    expect(logs[0]![1]).toContain("Failed to set up route 'sales'")
  })

  it('logs a failing claim instead of throwing into the request', async () => {
    const logs: string[] = []
    const router = createRouter({
      routes: [salesRoute],
      claim: async () => {
        throw new Error('database is locked')
      },
      env: { SALES_SECRET: 's' },
      logger: { info: () => {}, error: (message) => logs.push(message) },
    })
    router.onEvents([event({})], 'pk')
    await router.idle()
    expect(logs).toEqual(['[nudgekit] Failed to route event: database is locked.'])
  })
})
