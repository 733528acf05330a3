import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../http/env.ts'
import { createKeyring } from '../../keys.ts'
import { rateLimit, type RateLimitOptions } from './index.ts'

const PK = 'pk_test_0123456789abcdef'
const PK_NEXT = 'pk_test_fedcba9876543210'
const SK = 'sk_test_0123456789abcdef'
const keyring = createKeyring({ publishable: [PK, PK_NEXT], secret: SK })

function setup(options: RateLimitOptions) {
  const app = new Hono<AppEnv>()
  app.use(rateLimit(keyring, options))
  app.get('/', (c) => c.text('ok'))
  /** One request from `ip` with `authorization` as the whole header (none when undefined). */
  return (authorization: string | undefined, ip: string, headers: Record<string, string> = {}) =>
    app.request('/', { headers: { ...(authorization === undefined ? {} : { authorization }), ...headers } }, { ip })
}

describe('rateLimit', () => {
  it('answers 429 with Retry-After once a key and address spend their burst, then refills over time', async () => {
    let now = 0
    const call = setup({ perSecond: 2, burst: 3, now: () => now })
    for (let i = 0; i < 3; i++) expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(200)
    const limited = await call(`Bearer ${PK}`, '10.0.0.1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.json()).toEqual({
      error: {
        code: 'rate_limited',
        message: 'Failed to accept the request: too many requests from this client (the limit is 2 a second, bursts of 3).',
        hint: 'Retry after 1 s.',
      },
    })
    now = 500
    expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(200)
  })

  it('keeps a separate bucket per known key and per address', async () => {
    const call = setup({ perSecond: 1, burst: 1, now: () => 0 })
    expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(200)
    expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(429)
    expect((await call(`Bearer ${PK_NEXT}`, '10.0.0.1')).status).toBe(200)
    expect((await call(`Bearer ${SK}`, '10.0.0.1')).status).toBe(200)
    expect((await call(`Bearer ${PK}`, '10.0.0.2')).status).toBe(200)
  })

  it('gives every spelling of one Authorization header the same bucket', async () => {
    const call = setup({ perSecond: 1, burst: 1, now: () => 0 })
    expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(200)
    for (const spelling of [`bearer ${PK}`, `BEARER ${PK}`, `Bearer  ${PK}`, `Bearer\t${PK} `]) {
      expect((await call(spelling, '10.0.0.1')).status, spelling).toBe(429)
    }
  })

  it('limits unknown, missing and unreadable keys by the address alone, so made-up keys open no buckets', async () => {
    const call = setup({ perSecond: 1, burst: 3, now: () => 0 })
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await call(`Bearer pk_made_up_key_${i}_000000`, '10.0.0.1')).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429])
    // No header, another scheme and a bare key land in the same (spent) bucket of the address.
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', PK, 'Bearer']) {
      expect((await call(authorization, '10.0.0.1')).status, String(authorization)).toBe(429)
    }
    // A known key from that address and unknown keys from another address are not affected.
    expect((await call(`Bearer ${PK}`, '10.0.0.1')).status).toBe(200)
    expect((await call('Bearer pk_made_up_key_9_000000', '10.0.0.2')).status).toBe(200)
  })

  it('reads X-Forwarded-For only when the proxy is trusted', async () => {
    const trusted = setup({ perSecond: 1, burst: 1, now: () => 0, trustProxy: true })
    expect((await trusted(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '1.1.1.1' })).status).toBe(200)
    expect((await trusted(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '2.2.2.2' })).status).toBe(200)
    const untrusted = setup({ perSecond: 1, burst: 1, now: () => 0 })
    expect((await untrusted(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '1.1.1.1' })).status).toBe(200)
    expect((await untrusted(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '2.2.2.2' })).status).toBe(429)
  })

  it('behind a trusted proxy, limits by the address the proxy appended, not the entries a client made up', async () => {
    const call = setup({ perSecond: 1, burst: 1, now: () => 0, trustProxy: true })
    // The client sends its own X-Forwarded-For; the proxy appends the address it saw (203.0.113.7).
    expect((await call(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '6.6.6.1, 203.0.113.7' })).status).toBe(200)
    expect((await call(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '6.6.6.2, 203.0.113.7' })).status).toBe(429)
    expect((await call(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '6.6.6.3,203.0.113.7 ' })).status).toBe(429)
    expect((await call(`Bearer ${PK}`, '10.0.0.9', { 'x-forwarded-for': '203.0.113.7, 198.51.100.4' })).status).toBe(200)
  })
})
