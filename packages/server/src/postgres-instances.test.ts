// Two server instances on one PostgreSQL database, fed interleaved and duplicated batches at once: stats stay exact.
import { describe, expect, it } from 'vitest'
import { createHandler } from './handler.ts'
import { makeEvent } from './store/fixtures.ts'
import { postgres } from './store/postgres.ts'
import { TEST_DATABASE_URL, testSchemas } from './test-support/postgres.ts'
import type { NudgeEvent } from './store/types.ts'
import { compileRules } from './test-support/rules.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'
const DAY = 86_400_000
const nextSchema = testSchemas('instances')

describe('two instances on one PostgreSQL database', () => {
  it('count every event exactly once when batches overlap and race', async () => {
    const now = Date.now()
    const rules = compileRules()
    const schema = nextSchema()
    const stores = [postgres(TEST_DATABASE_URL, { schema }), postgres(TEST_DATABASE_URL, { schema })]
    await Promise.all(stores.map((store) => store.migrate()))
    const silent = { info() {}, warn() {}, error() {} }
    const limits = { perSecond: 10_000, burst: 10_000 }
    const handlers = stores.map((store) => createHandler({ rules, store, keys: { publishable: PK, secret: SK }, logger: silent, limits }))

    const events: NudgeEvent[] = []
    for (let i = 0; i < 400; i++) {
      const account = `acct_${i % 60}`
      const variant = i % 2 ? 'a' : 'b'
      events.push(makeEvent({ type: 'impression', ts: now - (i % 5) * DAY, trigger: 'contacts-80', variant, account }))
      if (i % 3 === 0) events.push(makeEvent({ type: 'click', ts: now - (i % 5) * DAY, trigger: 'contacts-80', variant, account }))
    }
    // Each instance gets every event, in overlapping batches of different sizes and orders.
    const batches = (size: number, reverse: boolean) => {
      const list = reverse ? [...events].reverse() : events
      return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size))
    }
    const send = (handler: (typeof handlers)[number], batch: NudgeEvent[]) =>
      handler(new Request('http://x/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      })).then(async (response) => {
        expect(response.status).toBe(202)
        return (await response.json()) as { accepted: number; duplicates: number }
      })
    const answers = await Promise.all([
      ...batches(37, false).map((batch) => send(handlers[0]!, batch)),
      ...batches(53, true).map((batch) => send(handlers[1]!, batch)),
      ...batches(41, false).map((batch) => send(handlers[1]!, batch)),
    ])
    expect(answers.reduce((sum, a) => sum + a.accepted, 0)).toBe(events.length)
    expect(answers.reduce((sum, a) => sum + a.duplicates, 0)).toBe(2 * events.length)

    const conversions = await Promise.all(
      ['acct_1', 'acct_2', 'acct_1'].map((account, i) =>
        handlers[i % 2]!(new Request('http://x/v1/conversions', {
          method: 'POST',
          headers: { authorization: `Bearer ${SK}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id: `inv_${account}`, account, to: 'pro' }),
        })).then((response) => response.status),
      ),
    )
    expect(conversions.sort()).toEqual([200, 201, 201])

    const from = new Date(now - 6 * DAY).toISOString().slice(0, 10)
    const to = new Date(now).toISOString().slice(0, 10)
    const stats = await (await handlers[0]!(new Request(`http://x/v1/stats?from=${from}&to=${to}`, {
      headers: { authorization: `Bearer ${SK}` },
    }))).json()
    const expected = (variant: string, type: string) => events.filter((e) => e.variant === variant && e.type === type).length
    const reached = (variant: string) => new Set(events.filter((e) => e.variant === variant).map((e) => e.account)).size
    expect(stats.rows.map((r: Record<string, unknown>) => [r.variant, r.impressions, r.clicks, r.accounts_reached])).toEqual([
      ['a', expected('a', 'impression'), expected('a', 'click'), reached('a')],
      ['b', expected('b', 'impression'), expected('b', 'click'), reached('b')],
    ])
    expect(stats.rows.reduce((sum: number, r: { conversions: number }) => sum + r.conversions, 0)).toBe(2)
    expect(stats.rows.reduce((sum: number, r: { expansion_mrr: number }) => sum + r.expansion_mrr, 0)).toBe(98)

    for (const handler of handlers) handler.close()
    await Promise.all(stores.map((store) => store.close()))
  }, 60_000)
})
