#!/usr/bin/env node
// The `nudgekit` command: dispatches to one module per command, loaded on demand.
import { nodeProblem } from './node-version.ts'

// Before anything that an older Node cannot load (node:sqlite), so the user reads the cause, not its symptom.
const problem = nodeProblem(process.versions.node)
if (problem) {
  console.error(`[nudgekit] Failed to start: ${problem}. Install Node.js 24 LTS (or 22.20+) and run the command again.`)
  process.exit(1)
}

const { run } = await import('./run.ts')
process.exitCode = await run(process.argv.slice(2))
