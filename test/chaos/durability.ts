// Check: kill -9 the server during sustained ingest → after a restart, every event acknowledged with 202 is stored.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { scratchDir } from './processes.ts'
import type { Report } from './report.ts'
import { PUBLISHABLE_KEY, RULES_FILE, startServer } from './server-process.ts'
import { uuidv7 } from './uuid.ts'

/** Concurrent loaders, each a separate client address (the server rate-limits per key and address). */
const CLIENTS = 6
const BATCH = 50
/** Sustained ingest before the kill. */
const INGEST_MS = 2000

/** Runs the check; figures go to `report`. */
export default async function durability(report: Report): Promise<void> {
  const dir = scratchDir('durability')
  const db = join(dir.path, 'durability.db')
  const server = await startServer({ rules: RULES_FILE, db, trustProxy: true })

  const acked: string[] = []
  let inFlight = 0
  let inFlightAtKill = 0
  let posts = 0
  let refused = 0
  let stop = false

  const client = async (address: string): Promise<void> => {
    while (!stop) {
      const events = Array.from({ length: BATCH }, (_, i) => ({
        id: uuidv7(),
        type: 'track',
        event: 'durability_probe',
        ts: Date.now(),
        account: `acct_${address}`,
        user: 'user_1',
        props: { i },
      }))
      inFlight++
      posts++
      try {
        const response = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${PUBLISHABLE_KEY}`, 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ events }),
        })
        const answer = (await response.json()) as { rejected?: { index: number }[] }
        if (response.status === 202) {
          const rejected = new Set((answer.rejected ?? []).map((r) => r.index))
          events.forEach((event, index) => rejected.has(index) || acked.push(event.id))
        } else refused++
      } catch {
        // the server died under this request: it was never acknowledged, so nothing is owed
      } finally {
        inFlight--
      }
    }
  }

  const loaders = Array.from({ length: CLIENTS }, (_, i) => client(`10.0.0.${i + 1}`))
  await new Promise((resolve) => setTimeout(resolve, INGEST_MS))
  inFlightAtKill = inFlight
  await server.kill9()
  stop = true
  await Promise.all(loaders)
  await server.restart()
  await server.stop()

  const database = new DatabaseSync(db, { readOnly: true })
  const present = new Set((database.prepare('select id from events').all() as { id: string }[]).map((row) => row.id))
  database.close()
  dir.remove()

  const missing = acked.filter((id) => !present.has(id))
  report.figure(
    'durability after kill -9',
    `acked ${acked.length}, present ${acked.length - missing.length} (${posts} posts, ${inFlightAtKill} in flight at the kill, ${refused} refused)`,
    acked.length > 0 && missing.length === 0 && inFlightAtKill > 0,
  )
  if (missing.length) {
    console.error(`missing acknowledged ids (first 5): ${missing.slice(0, 5).join(', ')}`)
    console.error(`server output (last lines):\n${server.output().slice(-3000)}`)
  }
}
