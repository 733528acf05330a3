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
import { makeEvent, PRE_WINDOW_EXPOSURES, windowCountsAcrossConversion } from './fixtures.ts'
import { readMigrations } from './migrations.ts'
import { sqlite } from './sqlite.ts'
import { openConnection } from './sqlite-ingest.ts'

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
    const path = join(dir, 'upgrade.db')
    const db = new DatabaseSync(path)
    db.exec('CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
    for (const migration of readMigrations('sqlite').filter((m) => m.version < '007')) {
      db.exec(migration.sql)
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)').run(migration.version)
    }
    db.exec(PRE_WINDOW_EXPOSURES)
    db.close()
    const store = sqlite(path)
    // Credited conversions count for lift after the migration; from then on a conversion counts for every
    // exposure it follows, credited or not.
    expect(await windowCountsAcrossConversion(store)).toEqual({ migrated: [[2, 1, 1, 1, 1]], after: [[2, 2, 2, 1, 1]] })
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

  it('checkpoints the WAL on a thread once ingest starts, which neither keeps the process alive nor prints warnings', () => {
    const store = pathToFileURL(join(import.meta.dirname, 'sqlite.ts')).href
    const path = join(dir, 'checkpoints.db')
    const events = Array.from({ length: 200 }, (_, i) => makeEvent({ type: 'impression', ts: Date.UTC(2026, 0, 1) + i, trigger: 't', account: `a${i}` }))
    // Never closed: the thread must let the process end. The store's own automatic checkpoint waits for far
    // more pages than this writes, so the database file only grows through the thread.
    const script = `import { statSync } from 'node:fs'; import { sqlite } from ${JSON.stringify(store)}
      const path = ${JSON.stringify(path)}; const store = sqlite(path); const before = statSync(path).size
      await store.ingest('pk', ${JSON.stringify(events)})
      for (let i = 0; i < 100 && statSync(path).size === before; i++) await new Promise((r) => setTimeout(r, 50))
      console.log(JSON.stringify({ before, after: statSync(path).size }))`
    const { status, stdout, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(stderr).toBe('')
    expect(status).toBe(0)
    const { before, after } = JSON.parse(stdout) as { before: number; after: number }
    expect(after).toBeGreaterThan(before)
  })

  it('gives its connection a 32 MiB page cache, or cacheMb, and refuses a cacheMb that is not a number of MiB', () => {
    const cacheSize = (options: { cacheMb?: number }) => {
      const db = openConnection(':memory:', options)
      try {
        return db.prepare('PRAGMA cache_size').get()?.cache_size
      } finally {
        db.close()
      }
    }
    expect(cacheSize({})).toBe(-32 * 1024)
    expect(cacheSize({ cacheMb: 8 })).toBe(-8 * 1024)
    for (const [cacheMb, shown] of [[0, '0'], [-5, '-5'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], ['64', '"64"']] as const) {
      expect(() => sqlite(':memory:', { cacheMb: cacheMb as number }), shown)
        .toThrow(`[nudgekit] Failed to open the SQLite store: cacheMb must be a number of MiB from 1 to 1048576, not ${shown}.`)
    }
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
