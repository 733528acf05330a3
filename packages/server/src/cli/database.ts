// The --db / --database-url flags of serve, migrate, stats and webhooks: which store to open, and how to name it safely.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CliIO } from './command.ts'
import { UsageError } from './run.ts'
import { StoreUnavailableError, type Store } from '../store/types.ts'

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

/**
 * Opens the store the flags name: PostgreSQL for `--database-url` (or NUDGEKIT_DATABASE_URL), else SQLite at
 * `--db` (default `nudgekit.db` in the working directory). Returns a label for messages.
 * @example const { store, label } = await openDatabase(flags, io, 'start the server')
 */
export async function openDatabase(flags: DatabaseFlags, io: CliIO, action: string): Promise<{ store: Store; label: string }> {
  const url = databaseUrl(flags, io, action)
  if (url !== undefined) {
    const { postgres } = await import('../store/postgres.ts')
    return { store: postgres(url), label: redactUrl(url) }
  }
  const path = resolve(io.cwd, flags.db ?? 'nudgekit.db')
  return { store: await openSqlite(path, false, action), label: path }
}

/**
 * Opens the store an operator reads (`stats`, `webhooks`), runs `work` on it and closes it. Unlike `openDatabase`
 * it has no default: `--db` must name an existing file (opening a missing one would create an empty database and
 * hide a typo), or a PostgreSQL URL must be given. An unreachable database, or one without nudgekit's tables,
 * becomes a one-line usage error.
 * @example const rows = await withDatabase(values, io, 'read stats', (store) => store.aggregates(filter))
 */
export async function withDatabase<T>(flags: DatabaseFlags, io: CliIO, action: string, work: (store: Store) => Promise<T>): Promise<T> {
  const url = databaseUrl(flags, io, action)
  let store: Store
  if (url !== undefined) {
    const { postgres } = await import('../store/postgres.ts')
    store = postgres(url)
  } else if (flags.db !== undefined) {
    const path = resolve(io.cwd, flags.db)
    if (!existsSync(path)) {
      throw new UsageError(`Failed to ${action}: no database at ${path}. Pass the file 'nudgekit serve --db' writes to.`)
    }
    store = await openSqlite(path, true, action)
  } else {
    throw new UsageError(`Failed to ${action}: no database given. Pass --db <path> or --database-url <url> (or set NUDGEKIT_DATABASE_URL).`)
  }
  try {
    return await work(store)
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      throw new UsageError(`Failed to ${action}: the database is unreachable (${error.message}). Check that it is running and try again.`)
    }
    // PostgreSQL's undefined_table: the store connects without migrating, unlike the SQLite one.
    if ((error as { code?: unknown }).code === '42P01') {
      throw new UsageError(`Failed to ${action}: the database has no nudgekit tables yet. Run 'nudgekit migrate' with the same --database-url first.`)
    }
    throw error
  } finally {
    await store.close()
  }
}

/** SQLite at `path`; a file that is not a database becomes a usage error. */
async function openSqlite(path: string, migrate: boolean, action: string): Promise<Store> {
  const { sqlite } = await import('../store/sqlite.ts')
  try {
    return sqlite(path, { migrate })
  } catch (error) {
    throw new UsageError(`Failed to ${action}: cannot open the SQLite database at ${path} (${(error as Error).message}). Check the --db path.`)
  }
}

/** The PostgreSQL URL the flags name (`--database-url`, else NUDGEKIT_DATABASE_URL unless `--db` is given), checked. */
function databaseUrl(flags: DatabaseFlags, io: CliIO, action: string): string | undefined {
  if (flags.db !== undefined && flags['database-url'] !== undefined) {
    throw new UsageError(`Failed to ${action}: both --db and --database-url were given. Pass only one.`)
  }
  const url = flags['database-url'] ?? (flags.db === undefined ? io.env.NUDGEKIT_DATABASE_URL : undefined)
  if (url === undefined || url === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new UsageError(`Failed to ${action}: the database URL must start with postgres:// (got ${redactUrl(url)}).`)
  }
  return url
}

/** Migrates, turning an unreachable database into a one-line usage error. */
export async function migrateOrExplain(store: Store, label: string, action: string): Promise<string[]> {
  try {
    return await store.migrate()
  } catch (error) {
    await store.close().catch(() => {})
    throw new UsageError(`Failed to ${action}: the database ${label} is unreachable or refused the migration (${(error as Error).message}). Check the URL and that the database is running.`)
  }
}
