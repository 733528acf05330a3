// `pnpm test`: every check the project has, in order, with a summary; non-zero exit when any step fails.
import { spawnSync } from 'node:child_process'
import { ensureChromium } from './ensure-chromium.mjs'

const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['unit and integration tests', ['run', 'test:unit']],
  ['build', ['run', 'build']],
  ['package manifests (publint)', ['run', 'lint:packages']],
  ['packed packages, installed', ['run', 'test:packages']],
  ['size budgets', ['run', 'size']],
  ['widgets in Chromium', ['run', 'test:browser']],
  ['end-to-end (Chromium)', ['run', 'test:e2e']],
  ['reliability and security', ['run', 'test:chaos']],
]

const results = []
// The browser suites need Chromium: found, or installed from Debian's packages on a fresh machine (as root).
try {
  process.env.CHROMIUM_PATH ??= ensureChromium()
} catch (error) {
  console.error(error.message)
  results.push({ name: 'Chromium for the browser suites', ok: false, seconds: 0 })
}
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
