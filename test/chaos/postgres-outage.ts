// Check: PostgreSQL cut off (connections reset, new ones refused) during ingest → the server answers 503 with
// Retry-After meanwhile, the SDK retries, and every event is stored once the database is back.
import pg from 'postgres'
import { installDom } from './dom.ts'
import { createFastClock } from './fast-clock.ts'
import { pause } from './processes.ts'
import type { Report } from './report.ts'
import { exampleRules, RULES_FILE, startServer } from './server-process.ts'
import { openPage } from './sdk-page.ts'
import { createTcpProxy } from './tcp-proxy.ts'

const DATABASE = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' }
const EVENTS = 3000
const SPEED = 10
/** How long the database stays unreachable, and when the cut starts. */
const OUTAGE_MS = 3000
const CUT_AFTER_EVENTS = 1000
const DRAIN_TIMEOUT_MS = 60_000
const SCHEMA_PREFIX = 'nudgekit_chaos_'

/** A key of `props`, whether the store kept props as a JSON object or as JSON text inside JSONB. */
const prop = (key: string) => `((props #>> '{}')::jsonb ->> '${key}')`

/** Drops schemas left by chaos runs whose process is gone (a run killed at its time budget cannot clean up). */
async function dropStaleSchemas(sql: pg.Sql): Promise<void> {
  const rows = await sql<{ name: string }[]>`select nspname as name from pg_namespace where nspname like ${SCHEMA_PREFIX + '%'}`
  for (const { name } of rows) {
    const pid = Number(name.slice(SCHEMA_PREFIX.length))
    let alive = false
    try {
      process.kill(pid, 0)
      alive = true
    } catch {
      alive = false
    }
    if (!alive) await sql.unsafe(`drop schema if exists ${name} cascade`)
  }
}

/** Runs the check; figures go to `report`. */
export default async function postgresOutage(report: Report): Promise<void> {
  const schema = `${SCHEMA_PREFIX}${process.pid}`
  const admin = pg({ ...DATABASE, max: 1, onnotice: () => {} })
  await dropStaleSchemas(admin)
  await admin.unsafe(`drop schema if exists ${schema} cascade`)
  await admin.unsafe(`create schema ${schema}`)

  const proxy = await createTcpProxy({ host: DATABASE.host, port: DATABASE.port })
  const url = `postgres://${DATABASE.user}@127.0.0.1:${proxy.port}/${DATABASE.database}?search_path=${schema}`
  const clock = createFastClock(SPEED)
  const dom = installDom('http://127.0.0.1/app')
  const run = `postgres-${Date.now()}`
  let unavailable = 0
  let withRetryAfter = 0
  let outageMs = 0

  try {
    const server = await startServer({ rules: RULES_FILE, db: url })
    const watched: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (response.status === 503) {
        unavailable++
        if (Number(response.headers.get('retry-after')) > 0) withRetryAfter++
      }
      return response
    }
    const nudge = openPage({ endpoint: server.url, rules: exampleRules(), dom, clock, fetch: watched })
    let stored = 0
    const count = async () =>
      Number((await admin.unsafe(`select count(*)::int as n from ${schema}.events where ${prop('run')} = $1`, [run]))[0]?.n ?? 0)

    let outage: Promise<void> | undefined
    for (let seq = 0; seq < EVENTS; seq++) {
      nudge.track('postgres_probe', { run, seq })
      if (seq === CUT_AFTER_EVENTS) {
        const cutAt = performance.now()
        await proxy.cut()
        outage = pause(OUTAGE_MS).then(async () => {
          await proxy.restore()
          outageMs = performance.now() - cutAt
        })
      }
      // Keep the SDK's queue (1,000 events) from overflowing while the database is away.
      if (seq % 100 === 99) {
        while (seq + 1 - (stored = await count()) > 800) await pause(100)
      }
    }
    await outage
    const deadline = performance.now() + DRAIN_TIMEOUT_MS
    while ((stored = await count()) < EVENTS && performance.now() < deadline) {
      void nudge.flush()
      await pause(200)
    }
    nudge.destroy()
    await server.stop()

    const [row] = await admin.unsafe<{ n: number; seqs: number }[]>(
      `select count(*)::int as n, count(distinct ${prop('seq')})::int as seqs from ${schema}.events where ${prop('run')} = $1`,
      [run],
    )
    const { n, seqs } = row ?? { n: 0, seqs: 0 }
    report.figure(
      'PostgreSQL outage',
      `${(outageMs / 1000).toFixed(1)} s cut: ${unavailable} 503s seen (${withRetryAfter} with Retry-After), ` +
        `${proxy.connections} connections through the proxy, sent ${EVENTS}, stored ${seqs}, duplicates ${n - seqs}`,
      unavailable > 0 && withRetryAfter === unavailable && seqs === EVENTS && n === EVENTS,
    )
  } finally {
    dom.close()
    await proxy.close()
    await admin.unsafe(`drop schema if exists ${schema} cascade`)
    await admin.end()
  }
}
