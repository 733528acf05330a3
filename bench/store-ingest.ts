// Store-level ingest: 16 concurrent callers each storing 50-event batches (fresh UUIDv7 ids) for a bounded time.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { postgres, sqlite, type NudgeEvent, type Store } from '@nudgekit/server'

export interface StoreIngestResult {
  store: string
  seconds: number
  events: number
  eventsPerSecond: number
  /** Milliseconds from calling ingest to its result, per batch. */
  p50: number
  p99: number
  /** Process CPU time (user + system) per 1,000 events: steadier than events/s on a shared machine. */
  cpuMsPer1k: number
}

const BATCH = 50

/** Ids as UUIDv7: the batch's millisecond, version 7, variant 10, a run-wide counter in the low bits. */
function batcher(): () => NudgeEvent[] {
  let counter = 0
  const runTag = Math.floor(Math.random() * 0xfff).toString(16).padStart(3, '0')
  return () => {
    const now = Date.now()
    const t = now.toString(16).padStart(12, '0')
    const batch: NudgeEvent[] = []
    for (let i = 0; i < BATCH; i++) {
      const n = counter++
      const c = n.toString(16).padStart(15, '0')
      batch.push({
        id: `${t.slice(0, 8)}-${t.slice(8, 12)}-7${runTag}-8${c.slice(0, 3)}-${c.slice(3)}`,
        type: n % 10 === 0 ? 'click' : 'impression',
        ts: now,
        account: `acct_${n % 5000}`,
        user: `user_${n % 20000}`,
        trigger: 'contacts-80',
        variant: n % 2 ? 'a' : 'b',
        placement: 'banner',
      })
    }
    return batch
  }
}

/** Keeps `callers` ingest calls in flight on `store` for `seconds`; every batch must be accepted whole. */
export async function runStoreIngest(name: string, store: Store, seconds = 5, callers = 16): Promise<StoreIngestResult> {
  const next = batcher()
  const latencies: number[] = []
  let events = 0
  const began = performance.now()
  const cpu = process.cpuUsage()
  const deadline = began + seconds * 1000
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) {
        const batch = next()
        const t0 = performance.now()
        const result = await store.ingest('pk_bench', batch)
        latencies.push(performance.now() - t0)
        if (result.accepted.length !== batch.length) throw new Error(`[nudgekit] Failed to bench ${name}: a batch was not stored whole.`)
        events += batch.length
      }
    }),
  )
  const elapsed = (performance.now() - began) / 1000
  const used = process.cpuUsage(cpu)
  latencies.sort((a, b) => a - b)
  return {
    store: name,
    seconds: elapsed,
    events,
    eventsPerSecond: events / elapsed,
    p50: latencies[Math.floor(latencies.length / 2)]!,
    p99: latencies[Math.floor(latencies.length * 0.99)]!,
    cpuMsPer1k: (used.user + used.system) / 1000 / (events / 1000),
  }
}

if (import.meta.main) {
  const dir = mkdtempSync(join(tmpdir(), 'nudgekit-store-bench-'))
  try {
    const file = sqlite(join(dir, 'bench.db'))
    console.log(await runStoreIngest('sqlite (file, synchronous full)', file))
    await file.close()
    const url = process.env.BENCH_DATABASE_URL
    if (url) {
      const schema = `bench_${process.pid}`
      const pg = postgres(url, { schema })
      await pg.migrate()
      try {
        console.log(await runStoreIngest('postgres', pg))
      } finally {
        await pg.close()
        spawnSync('psql', [url, '-qc', 'set client_min_messages = warning', '-qc', `drop schema ${schema} cascade`], { stdio: 'inherit' })
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
