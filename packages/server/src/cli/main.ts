#!/usr/bin/env node
// The `nudgekit` command: dispatches to one module per command, loaded on demand.
import { run } from './run.ts'

// Node says on stderr that node:sqlite is experimental the first time a command opens a database; the CLI's
// stderr is for the user's problems. Every other warning still shows.
const emitWarning = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (!String(warning).startsWith('SQLite is an experimental feature')) emitWarning(warning, ...rest)
}) as typeof process.emitWarning

process.exitCode = await run(process.argv.slice(2))
