// Size budgets of every browser entry: bundled with what it imports, minified ESM (IIFE for <script>), gzip -9.
import { build } from 'esbuild'
import { readFileSync, writeFileSync } from 'node:fs'
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
  { id: 'evaluator', name: '@nudgekit/rules/evaluator', entry: 'packages/rules/src/evaluator/index.ts', goal: 3 * KB, limit: 3.55 * KB },
  { id: 'sdk', name: '@nudgekit/sdk (createNudge, all it imports)', entry: 'packages/sdk/src/index.ts', goal: 6 * KB, limit: 9.49 * KB },
  {
    id: 'widgets',
    name: '@nudgekit/widgets (without Preact and the SDK)',
    entry: 'packages/widgets/src/index.ts',
    goal: 6 * KB,
    limit: 6 * KB,
    external: ['preact', 'preact/*', '@nudgekit/sdk', '@nudgekit/rules/evaluator', 'nanostores'],
  },
  { id: 'iife', name: 'IIFE (SDK + widgets + Preact)', entry: 'packages/widgets/src/iife.ts', goal: 16 * KB, limit: 19.15 * KB, format: 'iife' },
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

/** Files that quote sizes between `<!--size:ID-->…<!--/size-->` and `<!--goal:ID-->…<!--/goal-->` markers. */
export const QUOTING = ['README.md', 'packages/rules/README.md', 'packages/sdk/README.md', 'packages/widgets/README.md']

const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`

/**
 * The text with every size and goal marker filled from `measured` (budget id → gzip bytes): sizes as
 * `10.2 KB`, goals as `6 KB ✔` or `6 KB, not met`. Prose quoting a size thus cannot drift from the build.
 * @example syncQuotes('<!--size:sdk-->9 KB<!--/size-->', { sdk: 10445 }) // '<!--size:sdk-->10.2 KB<!--/size-->'
 */
export function syncQuotes(text, measured) {
  return text.replace(/(<!--(size|goal):([\w-]+)-->)([^<]*)(<!--\/\2-->)/g, (whole, open, kind, id, _old, close) => {
    const budget = budgets.find((b) => b.id === id)
    if (!budget || measured[id] === undefined) throw new Error(`[nudgekit] Failed to sync size quotes: unknown budget '${id}' in ${whole}`)
    const goal = `${+(budget.goal / KB).toFixed(1)} KB`
    return open + (kind === 'size' ? kb(measured[id]) : measured[id] <= budget.goal ? `${goal} ✔` : `${goal}, not met`) + close
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const write = process.argv.includes('--write')
  let overLimit = false
  const rows = []
  const missed = []
  const measured = {}
  for (const budget of budgets) {
    const { min, gzip } = await measure(budget)
    measured[budget.id] = gzip
    const ok = gzip <= budget.limit
    overLimit ||= !ok
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
  const stale = []
  for (const file of QUOTING) {
    const text = readFileSync(file, 'utf8')
    const synced = syncQuotes(text, measured)
    if (synced === text) continue
    if (write) writeFileSync(file, synced)
    else stale.push(file)
  }
  if (write) console.log('\nSize quotes in ' + QUOTING.join(', ') + ' are up to date.')
  if (stale.length) {
    console.error(`\n[nudgekit] Failed to check the size quotes: ${stale.join(', ')} quote sizes that differ from the build. Run \`npx pnpm size --write\` and commit.`)
  }
  if (overLimit) {
    console.error('\n[nudgekit] Size limit exceeded: an entry above grew past its CI limit. Shrink it, or raise the limit in scripts/size.mjs with a reason in the commit.')
  }
  if (overLimit || stale.length) process.exit(1)
}
