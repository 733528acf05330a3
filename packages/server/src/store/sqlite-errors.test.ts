import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { sqliteUnavailable } from './sqlite-errors.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A file database with one table, and its path. */
function database(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nudgekit-sqlite-errors-'))
  dirs.push(dir)
  const path = join(dir, 'test.db')
  const db = new DatabaseSync(path)
  db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY)')
  db.close()
  return path
}

/** The error `work` throws. */
function thrown(work: () => void): unknown {
  try {
    work()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

describe('sqliteUnavailable', () => {
  it('names what node:sqlite reports for a read-only or locked database', () => {
    const path = database()
    const readOnly = new DatabaseSync(path, { readOnly: true })
    expect(sqliteUnavailable(thrown(() => readOnly.exec('INSERT INTO t VALUES (1)')))).toBe('is read-only')
    readOnly.close()

    const writer = new DatabaseSync(path)
    const other = new DatabaseSync(path, { timeout: 0 })
    writer.exec('BEGIN IMMEDIATE')
    expect(sqliteUnavailable(thrown(() => other.exec('BEGIN IMMEDIATE')))).toBe('is locked')
    writer.exec('ROLLBACK')
    writer.close()
    other.close()
  })

  it('leaves errors of the statement itself (constraints, syntax) alone', () => {
    const db = new DatabaseSync(database())
    db.exec('INSERT INTO t VALUES (1)')
    expect(sqliteUnavailable(thrown(() => db.exec('INSERT INTO t VALUES (1)')))).toBeUndefined()
    expect(sqliteUnavailable(thrown(() => db.exec('SELEC 1')))).toBeUndefined()
    db.close()
  })

  it('reads the primary code out of extended codes, and ignores errors without one', () => {
    expect(sqliteUnavailable({ errcode: 13 })).toBe('is on a full disk')
    expect(sqliteUnavailable({ errcode: 10 | (4 << 8) })).toBe('failed to read or write its file')
    expect(sqliteUnavailable(new Error('no code'))).toBeUndefined()
    expect(sqliteUnavailable(null)).toBeUndefined()
  })
})
