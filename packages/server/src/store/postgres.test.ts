// Runs the store contract against PostgreSQL (each store in its own schema, dropped afterwards).
import pg from 'postgres'
import { describe, expect, it } from 'vitest'
import { TEST_DATABASE_URL, testSchemas } from '../test-support/postgres.ts'
import { EXPOSURE_EVENT_SQL } from './attribution.ts'
import { storeContract } from './contract.ts'
import { makeEvent, PRE_WINDOW_EXPOSURES, windowCountsAcrossConversion } from './fixtures.ts'
import { readMigrations } from './migrations.ts'
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
    expect(applied.flat()).toEqual(['001_init', '002_cohorts', '003_webhook_outbox', '004_events_exposure_index',
      '005_window_conversions'])
    await Promise.all(stores.map((store) => store.close()))
  })

  it('carries credited conversions into the lift counts when an existing database migrates to 005', async () => {
    const schema = nextSchema()
    const sql = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
    const store = postgres(TEST_DATABASE_URL, { schema })
    try {
      await sql.unsafe(`create schema ${schema}; set search_path to ${schema};
        create table schema_migrations (version text primary key, applied_at bigint not null)`)
      for (const migration of readMigrations('postgres').filter((m) => m.version < '005')) {
        await sql.unsafe(migration.sql)
        await sql`insert into schema_migrations (version, applied_at) values (${migration.version}, 0)`
      }
      await sql.unsafe(PRE_WINDOW_EXPOSURES)
      expect(await store.migrate()).toEqual(['005_window_conversions'])
      // As on SQLite: credited conversions count for lift after the migration, then every conversion does.
      expect(await windowCountsAcrossConversion(store)).toEqual({ migrated: [[2, 1, 1, 1, 1]], after: [[2, 2, 2, 1, 1]] })
    } finally {
      await sql.end()
      await store.close()
    }
  })

  it('records conversions while two instances ingest exposures of the same accounts, without deadlocks', async () => {
    // Conversions lock rows in ingest's order (account_state, exposures by key, cohorts, daily counts). In the
    // opposite order each wave waited for PostgreSQL's deadlock detection, seconds at a time, and some failed.
    const schema = nextSchema()
    const [a, b] = [postgres(TEST_DATABASE_URL, { schema }), postgres(TEST_DATABASE_URL, { schema })] as const
    await a.migrate()
    const DAY = 86_400_000
    const T = Date.now() - 10 * DAY
    const triggers = ['t1', 't2', 't3', 't4', 't5']
    const ingest = (round: number) => (round % 2 ? a : b).ingest('pk', Array.from({ length: 60 }, (_, i) => makeEvent({
      type: i % 4 ? 'impression' : 'holdout', ts: T + round * 1000 + i, trigger: triggers[(i + round) % 5], account: `acct${(i * 7 + round) % 30}`,
    })))
    const convert = (round: number, store: typeof a) =>
      store.recordConversion({ id: `c${round}`, account: `acct${round % 30}`, to: 'pro', mrrDelta: 10, ts: T + round * 1000 + 500 }, 14 * DAY)
    const sql = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
    try {
      for (let wave = 0; wave < 8; wave++) {
        const rounds = Array.from({ length: 10 }, (_, i) => wave * 10 + i)
        await Promise.all(rounds.flatMap((r) => [ingest(r), convert(r - 5, r % 2 ? b : a), convert(r - 3, r % 2 ? a : b)]))
      }
      const [row] = await sql.unsafe(`select
        (select sum(window_converted) from ${schema}.cohorts) as cohorts_window, (select count(window_converted_at) from ${schema}.exposures) as window,
        (select sum(converted) from ${schema}.cohorts) as cohorts_credited, (select count(converted_at) from ${schema}.exposures) as credited,
        (select sum(conversions) from ${schema}.exposures) as conversions, (select count(trigger) from ${schema}.conversions) as recorded`)
      expect(Number(row!.cohorts_window)).toBe(Number(row!.window))
      expect(Number(row!.cohorts_credited)).toBe(Number(row!.credited))
      expect(Number(row!.conversions)).toBe(Number(row!.recorded))
      expect(Number(row!.recorded)).toBeGreaterThan(0)
    } finally {
      await sql.end()
      await Promise.all([a.close(), b.close()])
    }
  }, 30_000)

  it("creates the schema a URL's search_path names, as it does the schema option's", async () => {
    const schema = nextSchema()
    const store = postgres(`${TEST_DATABASE_URL}?search_path=${schema}`)
    const sql = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
    try {
      expect(await store.migrate()).toContain('001_init')
      await store.ingest('src', [makeEvent({ type: 'impression', ts: Date.now(), trigger: 't' })])
      const [row] = await sql.unsafe(`select count(*)::int as events from ${schema}.events`)
      expect(row).toEqual({ events: 1 })
      expect(await store.migrate()).toEqual([])
    } finally {
      await sql.end()
      await store.close()
    }
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
