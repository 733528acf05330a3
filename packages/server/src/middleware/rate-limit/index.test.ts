import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../http/env.ts'
import { rateLimit } from './index.ts'

function setup(options: Parameters<typeof rateLimit>[0]) {
  const app = new Hono<AppEnv>()
  app.use(rateLimit(options))
  app.get('/', (c) => c.text('ok'))
  return (key: string, ip: string, headers: Record<string, string> = {}) =>
    app.request('/', { headers: { authorization: `Bearer ${key}`, ...headers } }, { ip })
}

describe('rateLimit', () => {
  it('answers 429 with Retry-After once a key and address spend their burst, then refills over time', async () => {
    let now = 0
    const call = setup({ perSecond: 2, burst: 3, now: () => now })
    for (let i = 0; i < 3; i++) expect((await call('pk_a', '10.0.0.1')).status).toBe(200)
    const limited = await call('pk_a', '10.0.0.1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } })
    now = 500
    expect((await call('pk_a', '10.0.0.1')).status).toBe(200)
  })

  it('keeps a separate bucket per key and per address', async () => {
    const call = setup({ perSecond: 1, burst: 1, now: () => 0 })
    expect((await call('pk_a', '10.0.0.1')).status).toBe(200)
    expect((await call('pk_a', '10.0.0.1')).status).toBe(429)
    expect((await call('pk_b', '10.0.0.1')).status).toBe(200)
    expect((await call('pk_a', '10.0.0.2')).status).toBe(200)
  })

  it('reads X-Forwarded-For only when the proxy is trusted', async () => {
    const trusted = setup({ perSecond: 1, burst: 1, now: () => 0, trustProxy: true })
    expect((await trusted('pk', '10.0.0.9', { 'x-forwarded-for': '1.1.1.1' })).status).toBe(200)
    expect((await trusted('pk', '10.0.0.9', { 'x-forwarded-for': '2.2.2.2, 10.0.0.9' })).status).toBe(200)
    const untrusted = setup({ perSecond: 1, burst: 1, now: () => 0 })
    expect((await untrusted('pk', '10.0.0.9', { 'x-forwarded-for': '1.1.1.1' })).status).toBe(200)
    expect((await untrusted('pk', '10.0.0.9', { 'x-forwarded-for': '2.2.2.2' })).status).toBe(429)
  })
})
