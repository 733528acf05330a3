// Size budgets of every browser entry: bundled with what it imports, minified ESM (IIFE for <script>), gzip -9.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'

const KB = 1024
const common = {
  bundle: true,
  minify: true,
  write: false,
  platform: 'browser',
  target: 'es2022',
  format: 'esm',
  conditions: ['@nudgekit/source'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'silent',
}

/**
 * `goal` is the target from the issues; `limit` is what CI enforces so that no change makes a bundle grow
 * unnoticed. Where a goal is not met yet, the limit sits just above today's size and the table says so.
 */
export const budgets = [
  { name: '@nudgekit/rules/evaluator', entry: 'packages/rules/src/evaluator/index.ts', goal: 3 * KB, limit: 4.1 * KB },
  { name: '@nudgekit/sdk (createNudge, all it imports)', entry: 'packages/sdk/src/index.ts', goal: 6 * KB, limit: 10.4 * KB },
  {
    name: '@nudgekit/widgets (without Preact and the SDK)',
    entry: 'packages/widgets/src/index.ts',
    goal: 6 * KB,
    limit: 6 * KB,
    external: ['preact', 'preact/*', '@nudgekit/sdk', '@nudgekit/rules/evaluator', 'nanostores'],
  },
  { name: 'IIFE (SDK + widgets + Preact)', entry: 'packages/widgets/src/iife.ts', goal: 16 * KB, limit: 20.4 * KB, format: 'iife' },
]

/** Minified and gzip -9 bytes of one esbuild bundle (`entryPoints` or `stdin`), with the shared browser settings. */
export async function bundleSize(options) {
  const result = await build({ ...common, ...options })
  const code = result.outputFiles[0].contents
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

/** Gzip -9 bytes of one budget entry, bundled and minified. */
export function measure({ entry, external = [], format = 'esm' }) {
  return bundleSize({ entryPoints: [entry], external, format })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false
  const rows = []
  const missed = []
  for (const budget of budgets) {
    const { min, gzip } = await measure(budget)
    const ok = gzip <= budget.limit
    failed ||= !ok
    if (gzip > budget.goal) missed.push(`${budget.name}: ${(gzip / KB).toFixed(2)} KB, goal ${(budget.goal / KB).toFixed(0)} KB`)
    rows.push([
      budget.name,
      `${(min / KB).toFixed(2)} KB`,
      `${(gzip / KB).toFixed(2)} KB`,
      `${(budget.goal / KB).toFixed(2)} KB ${gzip <= budget.goal ? 'met' : 'missed'}`,
      `${(budget.limit / KB).toFixed(2)} KB`,
      ok ? 'ok' : 'OVER',
    ])
  }
  const header = ['entry', 'minified', 'gzip -9', 'goal', 'CI limit', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '))
  if (missed.length) console.log(`\nGoals not met yet (see bench/RESULTS.md): ${missed.join('; ')}.`)
  if (failed) {
    console.error('\n[nudgekit] Size limit exceeded: an entry above grew past its CI limit. Shrink it, or raise the limit in scripts/size.mjs with a reason in the commit.')
    process.exit(1)
  }
}
