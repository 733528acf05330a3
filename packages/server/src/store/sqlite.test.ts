// Runs the store contract against SQLite: in memory and on a WAL file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { storeContract } from './contract.ts'
import { makeEvent } from './fixtures.ts'
import { sqlite } from './sqlite.ts'

const dir = mkdtempSync(join(tmpdir(), 'nudgekit-sqlite-'))
let files = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

storeContract('sqlite (memory)', async () => sqlite(':memory:'))
storeContract('sqlite (file)', async () => sqlite(join(dir, `store-${++files}.db`)))

describe('sqlite store', () => {
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
