// Stats at scale: millions of generated events in the SQLite store, then GET /v1/stats timed through the handler.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRulesOrThrow } from '@nudgekit/rules'
import { createHandler, jsonLinesLogger, sqlite, type NudgeEvent } from '@nudgekit/server'

export interface StatsScaleResult {
  events: number
  ingestSeconds: number
  ingestPerSecond: number
  dbMb: number
  statsMedianMs: number
  statsMinMs: number
  statsMaxMs: number
  /** `GET /v1/forecast`, timed like the stats. */
  forecastMedianMs: number
  forecastMaxMs: number
  rows: number
}

const DAY = 86_400_000
const TRIGGERS = ['contacts-80', 'contacts-100', 'segmentation-gate', 'seats-cap', 'reports-cross-sell', 'renewal-annual']
const TYPES: NudgeEvent['type'][] = ['impression', 'impression', 'impression', 'impression', 'click', 'dismiss', 'eligible', 'usage', 'track', 'gate_hit']

/** Deterministic pseudo-random stream (mulberry32) so every run stores the same data set. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function uuid7(ms: number, n: number): string {
  const t = ms.toString(16).padStart(12, '0')
  const c = n.toString(16).padStart(15, '0')
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7000-8${c.slice(0, 3)}-${c.slice(3)}`
}

/** Ingests `total` events spread over 90 days into a fresh SQLite store, then times the stats endpoint. */
export async function runStatsScale(total = 10_000_000, queries = 25): Promise<StatsScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nudgekit-stats-'))
  const path = join(dir, 'stats.db')
  const store = sqlite(path)
  try {
    await store.migrate()
    const next = random(42)
    const end = Date.now()
    const start = end - 90 * DAY
    const batchSize = 5_000
    const began = performance.now()
    for (let made = 0; made < total; made += batchSize) {
      const batch: NudgeEvent[] = []
      for (let i = 0; i < batchSize && made + i < total; i++) {
        const n = made + i
        const ts = Math.floor(start + ((end - start) * n) / total)
        const account = `acct_${Math.floor(next() * 200_000)}`
        const held = next() < 0.1
        batch.push({
          id: uuid7(ts, n),
          type: held ? 'holdout' : TYPES[Math.floor(next() * TYPES.length)]!,
          ts,
          account,
          user: `${account}_u${Math.floor(next() * 3)}`,
          trigger: TRIGGERS[Math.floor(next() * TRIGGERS.length)]!,
          variant: next() < 0.5 ? 'a' : 'b',
          placement: 'banner',
        })
      }
      await store.ingest('pk_bench', batch)
    }
    const ingestSeconds = (performance.now() - began) / 1000
    for (let i = 0; i < 2_000; i++) {
      await store.recordConversion(
        { id: `conv_${i}`, account: `acct_${Math.floor(next() * 200_000)}`, to: 'pro', mrrDelta: 49, ts: end - Math.floor(next() * 30 * DAY) },
        14 * DAY,
      )
    }
    const { compiled } = loadRulesOrThrow(readFileSync('examples/rules/acme-crm.yaml', 'utf8'), { filename: 'acme-crm.yaml' })
    const handler = createHandler({
      rules: compiled,
      store,
      keys: { publishable: 'pk_bench_0123456789abcdef', secret: 'sk_bench_0123456789abcdef' },
      limits: { perSecond: 1_000_000, burst: 1_000_000 },
      // The timed requests are not logged: writing 25 access-log lines is not what the bench measures.
      logger: jsonLinesLogger(() => {}),
    })
    const from = new Date(start).toISOString().slice(0, 10)
    const to = new Date(end).toISOString().slice(0, 10)
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < queries; i++) {
      const t0 = performance.now()
      const res = await handler(
        new Request(`http://127.0.0.1/v1/stats?from=${from}&to=${to}`, { headers: { authorization: 'Bearer sk_bench_0123456789abcdef' } }),
      )
      const body = (await res.json()) as { rows: unknown[] }
      times.push(performance.now() - t0)
      rows = body.rows.length
    }
    times.sort((a, b) => a - b)
    // The forecast (also drawn on the dashboard) counts eligible accounts not yet converted: timed the same way.
    const forecastTimes: number[] = []
    for (let i = 0; i < queries; i++) {
      const t0 = performance.now()
      const res = await handler(new Request('http://127.0.0.1/v1/forecast', { headers: { authorization: 'Bearer sk_bench_0123456789abcdef' } }))
      await res.json()
      forecastTimes.push(performance.now() - t0)
    }
    forecastTimes.sort((a, b) => a - b)
    const { size } = statSync(path)
    return {
      events: total,
      ingestSeconds,
      ingestPerSecond: total / ingestSeconds,
      dbMb: size / 1024 / 1024,
      statsMedianMs: times[Math.floor(times.length / 2)]!,
      statsMinMs: times[0]!,
      statsMaxMs: times.at(-1)!,
      forecastMedianMs: forecastTimes[Math.floor(forecastTimes.length / 2)]!,
      forecastMaxMs: forecastTimes.at(-1)!,
      rows,
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.main) console.log(await runStatsScale(Number(process.env.BENCH_STATS_EVENTS ?? 10_000_000)))
