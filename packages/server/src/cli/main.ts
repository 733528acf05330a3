#!/usr/bin/env node
// The `nudgekit` command: dispatches to one module per command, loaded on demand.
import { nodeProblem } from './node-version.ts'

// Before anything that an older Node cannot load (node:sqlite), so the user reads the cause, not its symptom.
const problem = nodeProblem(process.versions.node)
if (problem) {
  console.error(`[nudgekit] Failed to start: ${problem}. Install Node.js 24 LTS (or 22.20+) and run the command again.`)
  process.exit(1)
}

// Node says on stderr that node:sqlite is experimental the first time a command opens a database; the CLI's
// stderr is for the user's problems. Every other warning still shows.
const emitWarning = process.emitWarning.bind(process) as (warning: string | Error, ...rest: unknown[]) => void
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (!String(warning).startsWith('SQLite is an experimental feature')) emitWarning(warning, ...rest)
}) as typeof process.emitWarning

const { run } = await import('./run.ts')
process.exitCode = await run(process.argv.slice(2))
