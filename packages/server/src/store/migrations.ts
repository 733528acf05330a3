// Versioned migrations: numbered SQL files per dialect in `migrations/<dialect>/`, applied in order.
import { readdirSync, readFileSync } from 'node:fs'

export interface Migration {
  /** File name without `.sql`, e.g. `001_init`; recorded in `schema_migrations.version`. */
  version: string
  sql: string
}

/** The migrations of a dialect, in version order. */
export function readMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = new URL(`./migrations/${dialect}/`, import.meta.url)
  return readdirSync(dir)
    .filter((name) => /^\d+_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.slice(0, -4), sql: readFileSync(new URL(name, dir), 'utf8') }))
}
