// Runs the store contract against SQLite: in memory and on a WAL file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { EXPOSURE_EVENT_SQL } from './attribution.ts'
import { storeContract } from './contract.ts'
import { makeEvent } from './fixtures.ts'
import { sqlite } from './sqlite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nudgekit-sqlite-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

storeContract('sqlite (memory)', async () => sqlite(':memory:'))
storeContract('sqlite (file)', async () => sqlite(join(dir, `store-${++files}.db`)))

describe('sqlite store', () => {
  it('reads the latest exposure event of a late conversion through the events_exposure index, not a scan', async () => {
    const path = join(dir, 'plan.db')
    await sqlite(path).close()
    const db = new DatabaseSync(path)
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${EXPOSURE_EVENT_SQL.sqlite}`).all('acct', 2, 1).map((row) => String(row.detail))
    db.close()
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH events USING INDEX events_exposure \(account=\? AND ts>\? AND ts<\?\)$/))
  })

  it('keeps accepted events across a reopen of the file', async () => {
    const path = join(dir, 'reopen.db')
    const first = sqlite(path)
    await first.ingest('pk', [makeEvent({ type: 'impression', ts: Date.UTC(2026, 0, 1), trigger: 't' })])
    await first.close()
    const second = sqlite(path)
    const rows = await second.aggregates({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) })
    expect(rows[0]?.impressions).toBe(1)
    await second.close()
  })
})
