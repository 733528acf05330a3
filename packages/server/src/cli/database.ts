// The --db / --database-url flags of serve, migrate, stats and webhooks: which store to open, and how to name it safely.
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CliIO } from './command.ts'
import { UsageError } from './run.ts'
import { readMigrations } from '../store/migrations.ts'
import { loadSqlite } from '../store/sqlite-ingest.ts'
import { StoreUnavailableError, type Store } from '../store/types.ts'

/** The parseArgs options of `--db` and `--database-url`, for every command that opens the store. */
export const DATABASE_OPTIONS = {
  db: { type: 'string' },
  'database-url': { type: 'string' },
} as const

export interface DatabaseFlags {
  db?: string
  'database-url'?: string
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparseable database URL>'
  }
}

/** An opened store, what it is, and how to name it in messages. */
export interface OpenedDatabase {
  store: Store
  label: string
  /** The flag that named it, for fixes ("Run 'nudgekit migrate' with the same --db first"). */
  flag: '--db' | '--database-url'
}

/**
 * Opens the store the flags name: PostgreSQL for `--database-url` (or NUDGEKIT_DATABASE_URL), else SQLite at
 * `--db` (default `nudgekit.db` in the working directory), without migrating (see `migrateOrExplain`).
 * @example const opened = await openDatabase(flags, io, 'start the server'); await migrateOrExplain(opened, 'start the server')
 */
export async function openDatabase(flags: DatabaseFlags, io: CliIO, action: string): Promise<OpenedDatabase> {
  const url = databaseUrl(flags, io, action)
  if (url !== undefined) return { store: await openPostgres(url, action), label: redactUrl(url), flag: '--database-url' }
  const path = sqlitePath(flags, io)
  return { store: await openSqlite(path, action), label: path, flag: '--db' }
}

/** The SQLite file of `--db`, or by default `nudgekit.db` in the working directory (where `serve` writes). */
function sqlitePath(flags: DatabaseFlags, io: CliIO): string {
  return resolve(io.cwd, flags.db ?? 'nudgekit.db')
}

/**
 * Opens the store an operator reads (`stats`, `webhooks`), runs `work` on it and closes it. Unlike `openDatabase`
 * it never creates or migrates anything: `--db` (by default `openDatabase`'s file, when it exists) must name an
 * existing file that nudgekit's migrations have set up (opening a missing one would create an empty database and
 * hide a typo), or a PostgreSQL URL must be given. An unreachable database, or one without nudgekit's tables,
 * becomes a one-line usage error.
 * @example const rows = await withDatabase(values, io, 'read stats', (store) => store.aggregates(filter))
 */
export async function withDatabase<T>(flags: DatabaseFlags, io: CliIO, action: string, work: (store: Store) => Promise<T>): Promise<T> {
  const url = databaseUrl(flags, io, action)
  const path = sqlitePath(flags, io)
  let opened: OpenedDatabase
  if (url !== undefined) {
    opened = { store: await openPostgres(url, action), label: redactUrl(url), flag: '--database-url' }
  } else if (flags.db !== undefined || existsSync(path)) {
    if (!existsSync(path)) {
      throw new UsageError(`Failed to ${action}: no database at ${path}. Pass the file 'nudgekit serve --db' writes to.`)
    }
    await checkSqliteTables(path, action)
    opened = { store: await openSqlite(path, action), label: path, flag: '--db' }
  } else {
    throw new UsageError(`Failed to ${action}: no database given, and no nudgekit.db here. Pass --db <path> or --database-url <url> (or set NUDGEKIT_DATABASE_URL).`)
  }
  try {
    return await work(opened.store)
  } catch (error) {
    throw explainDatabaseError(error, opened, action) ?? error
  } finally {
    await opened.store.close().catch(() => {})
  }
}

/**
 * A one-line usage error for what a database answered (unreachable, no such database, login refused, no tables),
 * or undefined for anything else (a bug, which keeps its stack trace).
 */
function explainDatabaseError(error: unknown, opened: OpenedDatabase, action: string): UsageError | undefined {
  // A store may wrap the driver's error (StoreUnavailableError's cause): the driver's code and words say why.
  const cause = error instanceof StoreUnavailableError && error.cause instanceof Error ? error.cause : error
  const code = String((cause as { code?: unknown }).code ?? (error as { code?: unknown }).code ?? '')
  const reason = oneLine(cause instanceof Error ? cause.message : String(cause))
  // PostgreSQL's undefined_table, SQLite's "no such table": the read-only commands connect without migrating.
  if (code === '42P01' || /no such table/i.test(reason)) return noTables(opened.label, opened.flag, action)
  if (code === '3D000') {
    return new UsageError(`Failed to ${action}: ${reason} on the server of ${opened.label}. Create it (e.g. createdb) or fix the database name in the URL.`)
  }
  if (code === '28000' || code === '28P01') {
    return new UsageError(`Failed to ${action}: PostgreSQL refused the login to ${opened.label} (${reason}). Check the user and password in the URL.`)
  }
  if (code === '42501') {
    return new UsageError(`Failed to ${action}: PostgreSQL denied access to ${opened.label} (${reason}). Grant the user access to the database and its schema.`)
  }
  if (error instanceof StoreUnavailableError) {
    return new UsageError(`Failed to ${action}: the database ${opened.label} is unreachable (${reason}). Check that it is running and try again.`)
  }
  return undefined
}

function noTables(label: string, flag: OpenedDatabase['flag'], action: string): UsageError {
  return new UsageError(`Failed to ${action}: the database ${label} has no nudgekit tables yet. Run 'nudgekit migrate' with the same ${flag} first.`)
}

/**
 * Before a read-only command opens a SQLite file as a store: the file must be a SQLite database nudgekit has
 * migrated to this version. Checked on a read-only connection, so a wrong --db (an empty file, some other
 * database) is reported and left exactly as it was.
 */
async function checkSqliteTables(path: string, action: string): Promise<void> {
  if (statSync(path).size === 0) throw noTables(path, '--db', action)
  const { DatabaseSync } = loadSqlite()
  let applied: Set<string>
  try {
    const db = new DatabaseSync(path, { readOnly: true })
    try {
      const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get()
      if (table === undefined) throw noTables(path, '--db', action)
      applied = new Set(db.prepare('SELECT version FROM schema_migrations').all().map((row) => String(row.version)))
    } finally {
      db.close()
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`Failed to ${action}: cannot open the SQLite database at ${path} (${oneLine((error as Error).message)}). Check the --db path.`)
  }
  const pending = readMigrations('sqlite').filter((migration) => !applied.has(migration.version)).map((migration) => migration.version)
  if (pending.length > 0) {
    throw new UsageError(`Failed to ${action}: the database ${path} lacks migration${pending.length === 1 ? '' : 's'} ${pending.join(', ')}. Run 'nudgekit migrate' with the same --db first.`)
  }
}

/** SQLite at `path`, without migrating; a file that cannot be opened becomes a usage error. */
async function openSqlite(path: string, action: string): Promise<Store> {
  const { sqlite } = await import('../store/sqlite.ts')
  try {
    return sqlite(path, { migrate: false })
  } catch (error) {
    throw new UsageError(`Failed to ${action}: cannot open the SQLite database at ${path} (${oneLine((error as Error).message)}). Check the --db path.`)
  }
}

/** PostgreSQL at `url` (connects lazily); a URL the driver refuses becomes a usage error. */
async function openPostgres(url: string, action: string): Promise<Store> {
  const { postgres } = await import('../store/postgres.ts')
  try {
    return postgres(url)
  } catch (error) {
    throw new UsageError(`Failed to ${action}: the database URL ${redactUrl(url)} is not usable (${oneLine((error as Error).message)}). ${URL_EXAMPLE}.`)
  }
}

const URL_EXAMPLE = 'Write it like postgres://user:password@host:5432/database'

/** The PostgreSQL URL the flags name (`--database-url`, else NUDGEKIT_DATABASE_URL unless `--db` is given), checked. */
function databaseUrl(flags: DatabaseFlags, io: CliIO, action: string): string | undefined {
  if (flags.db !== undefined && flags['database-url'] !== undefined) {
    throw new UsageError(`Failed to ${action}: both --db and --database-url were given. Pass only one.`)
  }
  const fromFlag = flags['database-url'] !== undefined
  const url = flags['database-url'] ?? (flags.db === undefined ? io.env.NUDGEKIT_DATABASE_URL : undefined)
  if (url === undefined || url === '') return undefined
  const source = fromFlag ? '--database-url' : 'NUDGEKIT_DATABASE_URL'
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new UsageError(`Failed to ${action}: ${source} must start with postgres:// (got ${redactUrl(url)}). ${URL_EXAMPLE}.`)
  }
  if (!URL.canParse(url)) {
    throw new UsageError(`Failed to ${action}: ${source} is not a valid URL. ${URL_EXAMPLE} (percent-encode special characters in the password).`)
  }
  return url
}

/**
 * Migrates, turning what the database answered (unreachable, no such database, login refused) into a one-line
 * usage error; the store is closed when it fails.
 * @example const applied = await migrateOrExplain(await openDatabase(flags, io, 'migrate'), 'migrate')
 */
export async function migrateOrExplain(opened: OpenedDatabase, action: string): Promise<string[]> {
  try {
    return await opened.store.migrate()
  } catch (error) {
    await opened.store.close().catch(() => {})
    const explained = explainDatabaseError(error, opened, action)
    if (explained) throw explained
    const fix = opened.flag === '--db' ? 'Check the --db path, and that no other program holds the file' : 'Check the URL and that the database is running'
    throw new UsageError(`Failed to ${action}: the database ${opened.label} refused the migration (${oneLine((error as Error).message)}). ${fix}.`)
  }
}

function oneLine(text: string): string {
  return text.split('\n', 1)[0]!.replace(/\.$/, '')
}
