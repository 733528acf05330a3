#!/usr/bin/env node
// The `nudgekit` command: dispatches to one module per command, loaded on demand.
import { run } from './run.ts'

process.exitCode = await run(process.argv.slice(2))
