import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { attemptDelivery, retryDelay } from './deliver.ts'
import { verifySignature } from './signature.ts'

const T0 = Date.UTC(2026, 0, 1)
const request = { url: 'https://crm.example.com/hooks', body: '{"id":"sales:e1"}', secret: 'whsec_sales', deliveryId: 'sales:e1' }

/** Attempts `request` against a receiver that answers with `answer` (or throws it). */
async function attemptAgainst(answer: Response | Error, timeoutMs = 10_000) {
  const seen: Headers[] = []
  const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
    seen.push(new Headers(init?.headers))
    if (answer instanceof Error) throw answer
    return answer
  }
  const outcome = await attemptDelivery(request, { fetch: fetch as typeof globalThis.fetch, now: () => T0, timeoutMs })
  return { outcome, headers: seen[0]! }
}

describe('attemptDelivery', () => {
  it('posts the body once with the delivery id and a signature the receiver can verify', async () => {
    const { outcome, headers } = await attemptAgainst(new Response(null, { status: 204 }))
    expect(outcome).toEqual({ ok: true, status: 204 })
    expect(headers.get('X-Nudgekit-Delivery')).toBe('sales:e1')
    expect(headers.get('Content-Type')).toBe('application/json')
    expect(verifySignature(request.body, headers.get('X-Nudgekit-Signature'), 'whsec_sales', 300, T0)).toBe(true)
  })

  it.each([408, 429, 500, 503])('counts %i as worth retrying', async (status) => {
    const { outcome } = await attemptAgainst(new Response(null, { status }))
    expect(outcome).toEqual({ ok: false, retryable: true, status, reason: `the receiver answered ${status}`, retryAfterMs: 0 })
  })

  it.each([400, 401, 404, 410, 302])('counts %i as final', async (status) => {
    const { outcome } = await attemptAgainst(new Response(null, { status, headers: status === 302 ? { location: '/x' } : {} }))
    expect(outcome).toMatchObject({ ok: false, retryable: false, status })
  })

  it('reads Retry-After in seconds or as an HTTP date', async () => {
    const seconds = await attemptAgainst(new Response(null, { status: 429, headers: { 'Retry-After': '30' } }))
    expect(seconds.outcome).toMatchObject({ retryAfterMs: 30_000 })
    const date = await attemptAgainst(new Response(null, { status: 503, headers: { 'Retry-After': new Date(T0 + 90_000).toUTCString() } }))
    expect(date.outcome).toMatchObject({ retryAfterMs: 90_000 })
  })

  it('turns a network error into a retryable outcome instead of throwing', async () => {
    const { outcome } = await attemptAgainst(new TypeError('fetch failed'))
    expect(outcome).toEqual({ ok: false, retryable: true, status: null, reason: 'TypeError: fetch failed', retryAfterMs: 0 })
  })

  it('says why the receiver could not be reached, which fetch keeps in the cause, and names a timeout', async () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), { code: 'ENOTFOUND' })
    expect((await attemptAgainst(new TypeError('fetch failed', { cause: dns }))).outcome)
      .toMatchObject({ retryable: true, reason: 'the receiver could not be reached (getaddrinfo ENOTFOUND hooks.example.com)' })
    const refused = new AggregateError([Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })], '')
    expect((await attemptAgainst(new TypeError('fetch failed', { cause: refused }))).outcome)
      .toMatchObject({ reason: 'the receiver could not be reached (connect ECONNREFUSED 127.0.0.1:9)' })
    expect((await attemptAgainst(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).outcome)
      .toMatchObject({ retryable: true, reason: 'the receiver did not answer within 10000 ms' })
  })

  it('names the cause of a real failed connection', async () => {
    // A port that was free a moment ago: nothing listens there, so the connection is refused.
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const outcome = await attemptDelivery({ ...request, url: `http://127.0.0.1:${port}/hook` },
      { fetch: globalThis.fetch, now: () => T0, timeoutMs: 2_000 })
    expect(outcome).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/^the receiver could not be reached \(.*ECONNREFUSED.*\)$/) })
  })

  it('sends no signature without a secret', async () => {
    const seen: Headers[] = []
    const fetch = async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers))
      return new Response(null, { status: 200 })
    }
    await attemptDelivery({ ...request, secret: undefined }, { fetch: fetch as typeof globalThis.fetch, now: () => T0, timeoutMs: 1_000 })
    expect(seen[0]!.has('X-Nudgekit-Signature')).toBe(false)
  })
})

describe('retryDelay', () => {
  const backoff = (random: number) => ({ random: () => random, baseDelayMs: 1_000, maxDelayMs: 60_000 })

  it('waits a random share of a ceiling that doubles after each failure', () => {
    expect([1, 2, 3, 4, 5].map((failures) => retryDelay(failures, 0, backoff(0.5)))).toEqual([500, 1_000, 2_000, 4_000, 8_000])
    expect(retryDelay(3, 0, backoff(0))).toBe(0)
  })

  it('caps the ceiling at maxDelayMs', () => {
    expect(retryDelay(20, 0, backoff(0.999))).toBeLessThan(60_000)
    expect(retryDelay(20, 0, backoff(0.5))).toBe(30_000)
  })

  it('never waits less than Retry-After, up to maxDelayMs', () => {
    expect(retryDelay(1, 30_000, backoff(0.5))).toBe(30_000)
    expect(retryDelay(1, 3_600_000, backoff(0.5))).toBe(60_000)
  })
})
