// The recorded arms' query reads the exposures through their primary key, never scanning the accounts' rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, describe, expect, it } from 'vitest'
import { RECORDED_ARMS_SQL } from './recorded-arms.ts'
import { sqlite } from './sqlite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nudgekit-arms-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('RECORDED_ARMS_SQL', () => {
  it('searches the exposures by their primary key on SQLite, one probe per trigger and per arm', async () => {
    const path = join(dir, 'plan.db')
    await sqlite(path).close()
    const db = new DatabaseSync(path)
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${RECORDED_ARMS_SQL}`).all().map((row) => String(row.detail))
    db.close()
    expect(plan.filter((step) => /^(SCAN|SEARCH) (exposures|e)\b/.test(step))).toEqual([
      'SEARCH exposures USING PRIMARY KEY',
      'SEARCH exposures USING PRIMARY KEY (trigger>?)',
      'SEARCH e USING PRIMARY KEY (trigger=?)',
      'SEARCH e USING PRIMARY KEY (trigger=? AND variant>?)',
    ])
  })
})
