// `nudgekit migrate`: apply pending schema migrations to the SQLite file or PostgreSQL database.
import type { Command } from '../command.ts'
import { DATABASE_OPTIONS, migrateOrExplain, openDatabase } from '../database.ts'
import { parseFlags } from '../flags.ts'

const usage = `Usage: nudgekit migrate [--db <path> | --database-url <url>]

Applies pending migrations (tracked in the schema_migrations table). Safe to run from several
servers at once on PostgreSQL (an advisory lock serialises them).

Options:
  --db <path>            SQLite file (default ./nudgekit.db)
  --database-url <url>   PostgreSQL URL (default: $NUDGEKIT_DATABASE_URL)`

const migrate: Command = async (argv, io) => {
  const options = { ...DATABASE_OPTIONS, help: { type: 'boolean', short: 'h' } } as const
  const { values } = parseFlags(argv, options, 'migrate', 'migrate', false)
  if (values.help) {
    io.out(usage)
    return 0
  }
  const opened = await openDatabase(values, io, 'migrate')
  const applied = await migrateOrExplain(opened, 'migrate')
  const { store, label } = opened
  await store.close()
  io.out(applied.length > 0 ? `Applied ${applied.join(', ')} to ${label}.` : `${label} is up to date.`)
  return 0
}

export default migrate
