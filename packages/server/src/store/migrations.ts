// Versioned migrations: numbered SQL files per dialect in `src/store/migrations/<dialect>/`, applied in order.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface Migration {
  /** File name without `.sql`, e.g. `001_init`; recorded in `schema_migrations.version`. */
  version: string
  sql: string
}

/**
 * The folder of a dialect's SQL files. The package ships `src/`, so the files are found from the package root
 * whether this code runs from source or from a bundled `dist/` chunk.
 */
function migrationsDir(dialect: 'sqlite' | 'postgres'): URL {
  for (let dir = new URL('.', import.meta.url); ; ) {
    const candidate = new URL(`src/store/migrations/${dialect}/`, dir)
    if (existsSync(candidate)) return candidate
    const parent = new URL('..', dir)
    if (parent.href === dir.href) {
      throw new Error(`Failed to find the ${dialect} migrations: no src/store/migrations/${dialect} in or above ${fileURLToPath(new URL('.', import.meta.url))}. ` +
        'Run @nudgekit/server from its installed package (a bundler must leave it external: its migrations are SQL files), or reinstall it.')
    }
    dir = parent
  }
}

/** The migrations of a dialect, in version order. */
export function readMigrations(dialect: 'sqlite' | 'postgres'): Migration[] {
  const dir = migrationsDir(dialect)
  return readdirSync(dir)
    .filter((name) => /^\d+_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => ({ version: name.slice(0, -4), sql: readFileSync(new URL(name, dir), 'utf8') }))
}
