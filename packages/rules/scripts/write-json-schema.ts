// Writes packages/rules/schema.json from the zod schema (`pnpm schema`); a test fails when it is stale.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatJsonSchema } from '../src/json-schema.ts'

const target = fileURLToPath(new URL('../schema.json', import.meta.url))
writeFileSync(target, formatJsonSchema())
process.stdout.write(`[nudgekit] Wrote ${target}\n`)
