// Which SQLite errors mean "the database cannot serve now" (503 + Retry-After) rather than a bug (500).

/**
 * SQLite primary result codes (the low byte of an extended code) that come from the database's state or its
 * host, not from the statement: SQLITE_NOMEM (7), SQLITE_READONLY (8), SQLITE_IOERR (10), SQLITE_FULL (13, the
 * disk is full), SQLITE_CANTOPEN (14) and SQLITE_PROTOCOL (15), besides SQLITE_BUSY (5) and SQLITE_LOCKED (6),
 * another writer holding the lock too long. Clients retry these later and lose nothing; an operator fixes them.
 */
const UNAVAILABLE = new Map([
  [5, 'is locked'],
  [6, 'is locked'],
  [7, 'is out of memory'],
  [8, 'is read-only'],
  [10, 'failed to read or write its file'],
  [13, 'is on a full disk'],
  [14, 'cannot be opened'],
  [15, 'is locked'],
])

/**
 * Why the SQLite database cannot serve now, for an error `node:sqlite` threw, or undefined when the error is
 * not about the database's availability (a constraint, a bad statement).
 *
 * @example
 * sqliteUnavailable({ errcode: 13, message: 'database or disk is full' }) // 'is on a full disk'
 * sqliteUnavailable({ errcode: 19 }) // undefined (a constraint failed)
 */
export function sqliteUnavailable(error: unknown): string | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode
  return typeof code === 'number' ? UNAVAILABLE.get(code & 0xff) : undefined
}
