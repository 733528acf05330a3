// A PostgreSQL that refuses service (connections disallowed, no such database, unknown role): every store call is
// StoreUnavailableError, so every route that reads the store answers 503 + Retry-After instead of 500.
import pg from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandler } from '../handler.ts'
import { jsonLinesLogger } from '../logger.ts'
import { TEST_DATABASE_URL } from '../test-support/postgres.ts'
import { compileRules } from '../test-support/rules.ts'
import { makeEvent } from './fixtures.ts'
import { postgres } from './postgres.ts'
import type { Store } from './types.ts'

const refusing = `nk_refusing_${process.pid}_${Date.now().toString(36)}`
const admin = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
beforeAll(async () => {
  await admin.unsafe(`create database ${refusing}`)
  await admin.unsafe(`alter database ${refusing} allow_connections false`)
})
afterAll(async () => {
  await admin.unsafe(`drop database if exists ${refusing}`)
  await admin.end()
})

const serverUrl = (change: (url: URL) => void): string => {
  const url = new URL(TEST_DATABASE_URL)
  change(url)
  return url.toString()
}

/** One call of each kind the handler makes, each expected to reject. */
function storeCalls(store: Store): Record<string, Promise<unknown>> {
  const ts = Date.now()
  return {
    ping: store.ping(),
    migrate: store.migrate(),
    ingest: store.ingest('src', [makeEvent({ type: 'impression', ts, trigger: 't' })]),
    recordConversion: store.recordConversion({ id: 'c1', account: 'a', to: 'pro', mrrDelta: 1, ts }, 86_400_000),
    accountState: store.accountState('a'),
    aggregates: store.aggregates({ from: 0, to: ts }),
    daily: store.daily({ from: 0, to: ts }),
    eligibleAccounts: store.eligibleAccounts(0),
    recordedArms: store.recordedArms(),
    webhookCounts: store.webhookCounts(ts),
  }
}

describe.each([
  ['refuses connections (allow_connections false)', serverUrl((url) => void (url.pathname = `/${refusing}`)), '55000'],
  ['does not exist', serverUrl((url) => void (url.pathname = '/nudgekit_no_such_database')), '3D000'],
  ['refuses the login (unknown role)', serverUrl((url) => void (url.username = 'nudgekit_no_such_role')), '28000'],
])('a PostgreSQL database that %s', (_, url, code) => {
  it(`fails every store call with StoreUnavailableError, code ${code}`, async () => {
    const store = postgres(url, { connectTimeoutSec: 2 })
    try {
      const calls = Object.entries(storeCalls(store))
      const outcomes = await Promise.all(calls.map(([name, call]) => call.then(() => [name], (error) => [name, error.name, error.code])))
      expect(outcomes).toEqual(calls.map(([name]) => [name, 'StoreUnavailableError', code]))
    } finally {
      await store.close()
    }
  })
})

describe('the handler on a PostgreSQL database that refuses connections', () => {
  it('answers 503 + Retry-After on every route that reads or writes the store', async () => {
    const store = postgres(serverUrl((url) => void (url.pathname = `/${refusing}`)), { connectTimeoutSec: 2 })
    const keys = { publishable: 'pk_test_0123456789abcdef', secret: 'sk_test_0123456789abcdef' }
    const handler = createHandler({ rules: compileRules(), store, keys, logger: jsonLinesLogger(() => {}) })
    try {
      const send = (path: string, key: string | undefined, body?: unknown) =>
        handler(new Request(`https://api.example.com${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }))
      const responses = {
        readyz: await send('/readyz', undefined),
        state: await send('/v1/state?account=a', keys.publishable),
        stats: await send('/v1/stats', keys.secret),
        forecast: await send('/v1/forecast', keys.secret),
        conversions: await send('/v1/conversions', keys.secret, { id: 'inv_1', account: 'a', to: 'pro', mrr_delta: 49 }),
        events: await send('/v1/events', keys.publishable, { events: [makeEvent({ type: 'impression', ts: Date.now(), trigger: 'contacts-80', variant: 'a' })] }),
      }
      for (const [route, response] of Object.entries(responses)) {
        expect([route, response.status, response.headers.get('retry-after')]).toEqual([route, 503, '5'])
      }
    } finally {
      await handler.close()
      await store.close()
    }
  }, 20_000)
})
