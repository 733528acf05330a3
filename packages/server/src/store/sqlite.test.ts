// Runs the store contract against SQLite: in memory and on a WAL file.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { EXPOSURE_EVENT_SQL } from './attribution.ts'
import { storeContract } from './contract.ts'
import { makeEvent } from './fixtures.ts'
import { readMigrations } from './migrations.ts'
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

  it('carries credited conversions into the lift counts when an existing database migrates to 007', async () => {
    const T = Date.UTC(2026, 0, 10)
    const DAY = 86_400_000
    const path = join(dir, 'upgrade.db')
    const db = new DatabaseSync(path)
    db.exec('CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
    for (const migration of readMigrations('sqlite').filter((m) => m.version < '007')) {
      db.exec(migration.sql)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(migration.version)
    }
    // As version 006 stored them: a converted account, one that did not convert, a converted held-out account.
    db.exec(`INSERT INTO exposures (trigger, variant, account, first_exposed_at, last_exposed_at, exposures, converted_at,
      conversions, expansion_mrr) VALUES ('t', 'a', 'won', ${T}, ${T}, 1, ${T + DAY}, 1, 10),
      ('t', 'a', 'lost', ${T}, ${T}, 1, NULL, 0, 0), ('t', 'holdout', 'held', ${T}, ${T}, 1, ${T + DAY}, 1, 10)`)
    db.close()
    const store = sqlite(path)
    const counts = async () => (await store.aggregates({ from: T, to: T + DAY })).map((r) =>
      [r.accounts_reached, r.conversions, r.reached_conversions, r.holdout_accounts, r.holdout_conversions])
    expect(await counts()).toEqual([[2, 1, 1, 1, 1]])
    // From now on a conversion counts for every exposure it follows, credited or not.
    await store.recordConversion({ id: 'c', account: 'lost', to: 'pro', mrrDelta: 10, ts: T + 2 * DAY }, 14 * DAY)
    expect(await counts()).toEqual([[2, 2, 2, 1, 1]])
    await store.close()
  })

  it('opens a database without Node printing that SQLite is experimental, and leaves other warnings alone', () => {
    const store = pathToFileURL(join(import.meta.dirname, 'sqlite.ts')).href
    const script = `import { sqlite } from ${JSON.stringify(store)}; await sqlite(':memory:').close(); process.emitWarning('other')`
    const { status, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(status).toBe(0)
    expect(stderr).not.toContain('SQLite')
    expect(stderr).toContain('Warning: other')
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
