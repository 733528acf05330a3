// `pnpm test`: every check the project has, in order, with a summary; non-zero exit when any step fails.
import { spawnSync } from 'node:child_process'

const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['unit and integration tests', ['run', 'test:unit']],
  ['build', ['run', 'build']],
  ['size budgets', ['run', 'size']],
  ['widgets in Chromium', ['run', 'test:browser']],
  ['end-to-end (Chromium)', ['run', 'test:e2e']],
]

const results = []
for (const [name, args] of steps) {
  console.log(`\n▶ ${name}: pnpm ${args.join(' ')}`)
  const started = performance.now()
  const { status } = spawnSync('pnpm', args, { stdio: 'inherit' })
  results.push({ name, ok: status === 0, seconds: (performance.now() - started) / 1000 })
}

console.log('\nSummary')
for (const { name, ok, seconds } of results) console.log(`  ${ok ? '✔' : '✘'} ${name.padEnd(28)} ${seconds.toFixed(1)} s`)
const failed = results.filter((r) => !r.ok)
if (failed.length) {
  console.error(`\n[nudgekit] ${failed.length} step(s) failed: ${failed.map((r) => r.name).join(', ')}.`)
  process.exit(1)
}
