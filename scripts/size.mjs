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

export const budgets = [
  { name: '@nudgekit/rules/evaluator', entry: 'packages/rules/src/evaluator/index.ts', limit: 3 * KB },
  { name: '@nudgekit/sdk (createNudge, all it imports)', entry: 'packages/sdk/src/index.ts', limit: 6 * KB },
  {
    name: '@nudgekit/widgets (without Preact and the SDK)',
    entry: 'packages/widgets/src/index.ts',
    limit: 6 * KB,
    external: ['preact', 'preact/*', '@nudgekit/sdk', '@nudgekit/rules/evaluator', 'nanostores'],
  },
  { name: 'IIFE (SDK + widgets + Preact)', entry: 'packages/widgets/src/iife.ts', limit: 16 * KB, format: 'iife' },
]

/** Gzip -9 bytes of one budget entry, bundled and minified. */
export async function measure({ entry, external = [], format = 'esm' }) {
  const result = await build({ ...common, entryPoints: [entry], external, format })
  const code = result.outputFiles[0].contents
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false
  const rows = []
  for (const budget of budgets) {
    const { min, gzip } = await measure(budget)
    const ok = gzip <= budget.limit
    failed ||= !ok
    rows.push([budget.name, `${(min / KB).toFixed(2)} KB`, `${(gzip / KB).toFixed(2)} KB`, `${(budget.limit / KB).toFixed(0)} KB`, ok ? 'ok' : 'OVER'])
  }
  const header = ['entry', 'minified', 'gzip -9', 'budget', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '))
  if (failed) {
    console.error('\n[nudgekit] Size budget exceeded: an entry above is over its limit. Shrink it or justify a new budget.')
    process.exit(1)
  }
}
