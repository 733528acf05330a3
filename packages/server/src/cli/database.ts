// The --db / --database-url flags shared by serve and migrate: which store to open, and how to name it safely.
import { resolve } from 'node:path'
import type { CliIO } from './command.ts'
import { UsageError } from './run.ts'
import type { Store } from '../store/types.ts'

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
  const url = flags['database-url'] ?? (flags.db === undefined ? io.env.NUDGEKIT_DATABASE_URL : undefined)
  if (flags.db !== undefined && flags['database-url'] !== undefined) {
    throw new UsageError(`Failed to ${action}: both --db and --database-url were given. Pass only one.`)
  }
  if (url !== undefined && url !== '') {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new UsageError(`Failed to ${action}: the database URL must start with postgres:// (got ${redactUrl(url)}).`)
    }
    const { postgres } = await import('../store/postgres.ts')
    return { store: postgres(url), label: redactUrl(url) }
  }
  const path = resolve(io.cwd, flags.db ?? 'nudgekit.db')
  const { sqlite } = await import('../store/sqlite.ts')
  try {
    return { store: sqlite(path, { migrate: false }), label: path }
  } catch (error) {
    throw new UsageError(`Failed to ${action}: cannot open the SQLite database at ${path} (${(error as Error).message}). Check the --db path.`)
  }
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
