// Runs the store contract against PostgreSQL (each store in its own schema, dropped afterwards).
import pg from 'postgres'
import { describe, expect, it } from 'vitest'
import { TEST_DATABASE_URL, testSchemas } from '../test-support/postgres.ts'
import { EXPOSURE_EVENT_SQL } from './attribution.ts'
import { storeContract } from './contract.ts'
import { makeEvent } from './fixtures.ts'
import { postgres } from './postgres.ts'
import { StoreUnavailableError } from './types.ts'

const nextSchema = testSchemas('contract')

storeContract('postgres', async () => {
  const store = postgres(TEST_DATABASE_URL, { schema: nextSchema() })
  await store.migrate()
  return store
})

describe('postgres store', () => {
  it('reports an unreachable database as StoreUnavailableError (the handler answers 503)', async () => {
    const store = postgres('postgres://postgres@127.0.0.1:1/test', { connectTimeoutSec: 1 })
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(store.aggregates({ from: 0, to: 1 })).rejects.toBeInstanceOf(StoreUnavailableError)
    await store.close()
  }, 10_000)

  it('lets several instances migrate one schema at once, applying each version once', async () => {
    const schema = nextSchema()
    const stores = [1, 2, 3].map(() => postgres(TEST_DATABASE_URL, { schema }))
    const applied = await Promise.all(stores.map((store) => store.migrate()))
    expect(applied.flat()).toEqual(['001_init', '002_cohorts', '003_webhook_outbox', '004_events_exposure_index'])
    await Promise.all(stores.map((store) => store.close()))
  })

  it('stores event props as a JSON object analysts can query, not as a JSON string', async () => {
    const schema = nextSchema()
    const store = postgres(TEST_DATABASE_URL, { schema })
    await store.migrate()
    await store.ingest('src', [
      { id: '0190f5a0-0000-7000-8000-000000000001', type: 'track', ts: Date.now(), account: 'a1', user: 'u1', event: 'report_viewed', props: { run: 3, tags: ['x'] } },
    ])
    const sql = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
    try {
      const [row] = await sql.unsafe(`select jsonb_typeof(props) as kind, props->>'run' as run from ${schema}.events`)
      expect(row).toEqual({ kind: 'object', run: '3' })
    } finally {
      await sql.end()
      await store.close()
    }
  })

  it('stores the other batches of a turn when PostgreSQL refuses one batch (an unpaired surrogate in its props)', async () => {
    const store = postgres(TEST_DATABASE_URL, { schema: nextSchema() })
    await store.migrate()
    try {
      const ts = Date.now()
      const batches = Array.from({ length: 18 }, (_, i) => [
        makeEvent({ type: 'track', ts, account: `a${i}`, event: 'report_viewed', props: i === 7 ? { note: '\ud800' } : { i } }),
      ])
      // All 18 share one turn's transaction, which the refused JSON aborts; each is then committed on its own.
      const outcomes = await Promise.allSettled(batches.map((batch) => store.ingest('src', batch)))
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(17)
      const refused = outcomes[7] as PromiseRejectedResult
      expect(refused.reason).toBeInstanceOf(StoreUnavailableError)
      expect(refused.reason.message).toMatch(/invalid input syntax for type json/)
      // The 17 others were stored: sent again, every event is a duplicate.
      expect(await store.ingest('src', batches.filter((_, i) => i !== 7).flat())).toEqual({ accepted: [], duplicates: 17 })
    } finally {
      await store.close()
    }
  })

  it('reads the latest exposure event of a late conversion through the events_exposure index', async () => {
    const schema = nextSchema()
    const store = postgres(TEST_DATABASE_URL, { schema })
    await store.migrate()
    await store.close()
    const sql = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: schema } })
    try {
      // With sequential scans priced out, the planner picks the partial index if the query's condition implies its own.
      const plan = await sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`
        return tx.unsafe(`explain ${EXPOSURE_EVENT_SQL.postgres}`, ['acct', 2, 1])
      })
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index Scan (Backward )?using events_exposure on events/)
    } finally {
      await sql.end()
    }
  })

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => postgres(TEST_DATABASE_URL, { schema: 'x; drop table events' })).toThrow(/plain lower-case identifier/)
  })
})
