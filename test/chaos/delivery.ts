// Check: the real SDK (jsdom) sends 10,000 events through a fault-injecting proxy to a real `nudgekit serve` on
// SQLite, with page reloads mid-stream and one kill -9 of the server → every event stored exactly once.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { installDom } from './dom.ts'
import { createFastClock } from './fast-clock.ts'
import { createFaultProxy } from './fault-proxy.ts'
import { pause, scratchDir } from './processes.ts'
import { seconds, type Report } from './report.ts'
import { exampleRules, RULES_FILE, startServer } from './server-process.ts'
import { openPage } from './sdk-page.ts'

const EVENTS = 10_000
const PAGES = 20
/** The SDK's clock runs this much faster: its 10 s timeout is 1 s of real time, its 1 s first backoff 100 ms. */
const SPEED = 10
/** Events made but not yet stored, at most: below the SDK's 1,000-event queue so none is dropped as overflow. */
const WINDOW = 600
/** The page after which the server is SIGKILLed, and how long it stays down. */
const KILL_AFTER_PAGE = 9
const DOWN_MS = 1500
const DRAIN_TIMEOUT_MS = 90_000

/** Runs the check; figures go to `report`. */
export default async function delivery(report: Report): Promise<void> {
  const dir = scratchDir('delivery')
  const db = join(dir.path, 'delivery.db')
  const run = `delivery-${Date.now()}`
  const compiled = exampleRules()
  const clock = createFastClock(SPEED)
  const server = await startServer({ rules: RULES_FILE, db })

  // Accepted events as the proxy saw them: paces the pages. It can stay a batch short of the database: a batch the
  // server stored just before the kill -9 loses its 202, and the SDK's re-send of it counts as duplicates.
  let stored = 0
  let absorbed = 0
  const proxy = await createFaultProxy({
    target: server.url,
    rates: { error5xx: 0.2, timeout: 0.1, reset: 0.05 },
    holdMs: clock.real(10_000) + 500,
    observe: ({ path, status, body }) => {
      if (!path.startsWith('/v1/events') || status !== 202) return
      const answer = JSON.parse(body.toString()) as { accepted: number; duplicates: number }
      stored += answer.accepted
      absorbed += answer.duplicates
    },
  })

  const dom = installDom('http://127.0.0.1/app')
  const open = () => openPage({ endpoint: proxy.url, rules: compiled, dom, clock })

  const started = performance.now()
  let made = 0
  let reloads = 0
  let restart: Promise<void> | undefined
  let nudge = open()
  try {
    for (let page = 0; page < PAGES; page++) {
      const until = Math.round(((page + 1) * EVENTS) / PAGES)
      while (made < until) {
        if (made - stored >= WINDOW) {
          await pause(20)
          continue
        }
        nudge.track('chaos_probe', { run, seq: made++ })
      }
      if (page === KILL_AFTER_PAGE) {
        await server.kill9()
        restart = pause(DOWN_MS).then(() => server.restart())
      }
      if (page < PAGES - 1) {
        // A reload: the page goes away without waiting for anything; the next one starts over the same storage.
        nudge.destroy()
        reloads++
        nudge = open()
      }
    }
    await restart
    // Drained when the database holds every event, not when the proxy's count says so (see `stored`): waiting
    // for that count once sat out the whole drain timeout with every event stored and the SDK's queue empty.
    const deadline = performance.now() + DRAIN_TIMEOUT_MS
    while (countEvents(db, run).seqs < EVENTS && performance.now() < deadline) {
      void nudge.flush()
      await pause(200)
    }
  } finally {
    nudge.destroy()
    dom.close()
    await proxy.close()
    await server.stop()
  }
  const elapsed = performance.now() - started

  const row = countEvents(db, run)
  dir.remove()

  const duplicates = row.rows - row.seqs
  report.figure(
    'delivery under faults',
    `sent ${made}, stored ${row.seqs}, duplicates ${duplicates}`,
    made === EVENTS && row.seqs === EVENTS && duplicates === 0 && row.ids === row.rows,
  )
  if (row.seqs !== EVENTS) console.error(`server output (last lines):\n${server.output().slice(-3000)}`)
  const c = proxy.counts
  report.figure(
    'faults survived',
    `${c.requests} requests: ${c.clean} clean, ${c.error5xx} 5xx, ${c.timeouts} timeouts, ${c.resets} resets (${c.afterUpstream} after the server stored), ` +
      `${c.upstreamDown} while killed; ${reloads} reloads, 1 kill -9; server absorbed ${absorbed} re-sent events; ${seconds(elapsed)}`,
    c.error5xx > 0 && c.timeouts > 0 && c.resets > 0 && server.starts === 2,
  )
}

/** The events of `run` in the server's SQLite file: rows, distinct ids, distinct `seq`s (read-only, beside the server). */
function countEvents(db: string, run: string): { rows: number; ids: number; seqs: number } {
  const database = new DatabaseSync(db, { readOnly: true })
  try {
    return database
      .prepare(
        `select count(*) as rows, count(distinct id) as ids, count(distinct json_extract(props, '$.seq')) as seqs
         from events where json_extract(props, '$.run') = ?`,
      )
      .get(run) as { rows: number; ids: number; seqs: number }
  } finally {
    database.close()
  }
}
