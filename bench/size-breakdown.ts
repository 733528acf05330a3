// Where the bytes of `createNudge` go: the gzip cost of each part at the margin, measured by bundling the SDK
// once whole and once per part with that part's modules replaced by empty stand-ins (same esbuild settings
// as the size budgets). What a part costs is what the bundle would lose without it, so the rows overlap a
// little (shared helpers count in both) and do not add up to the total exactly.
import { readFileSync } from 'node:fs'
import type { Plugin } from 'esbuild'
import { bundleSize } from '../scripts/size.mjs'

const ROOT = new URL('..', import.meta.url).pathname
const ENTRY = 'packages/sdk/src/index.ts'

/** The parts, each a pattern over module paths (relative to the repository, or a package name). */
export const PARTS: Array<{ name: string; modules: RegExp }> = [
  { name: 'rules evaluator (@nudgekit/rules/evaluator)', modules: /packages\/rules\/src\/evaluator\// },
  { name: 'event delivery (queue, retries, unload, tabs)', modules: /packages\/sdk\/src\/delivery\// },
  { name: 'host methods and argument checks (actions.ts)', modules: /packages\/sdk\/src\/actions\.ts$/ },
  { name: 'decisions.ts and, through the createEvaluator it alone imports, most of the evaluator', modules: /packages\/sdk\/src\/decisions\.ts$/ },
  { name: 'frequency state and caps (frequency.ts)', modules: /packages\/sdk\/src\/frequency\.ts$/ },
  { name: 'usage, periods, gate and event timestamps (facts.ts)', modules: /packages\/sdk\/src\/facts\.ts$/ },
  { name: 'rules and account state from the server (server.ts)', modules: /packages\/sdk\/src\/server\.ts$/ },
  { name: 'option checks and error text (options.ts, errors.ts)', modules: /packages\/sdk\/src\/(options|errors)\.ts$/ },
  { name: 'storage (storage.ts)', modules: /packages\/sdk\/src\/storage\.ts$/ },
  { name: 'UUIDv7 ids (uuid.ts)', modules: /packages\/sdk\/src\/uuid\.ts$/ },
  { name: 'nanostores atom', modules: /node_modules\/.*nanostores\// },
]

/** A module with the same export names, each an empty function: enough for the bundle to link. */
function standIn(path: string): string {
  const source = readFileSync(path, 'utf8')
  // Re-exporting entries (the evaluator's index) keep their shape: the modules behind them are stood in.
  if (/export\s+\*\s+from/.test(source)) return source
  const names = new Set<string>()
  for (const match of source.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)/g)) names.add(match[1]!)
  for (const match of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const item of match[1]!.split(',')) {
      const name = item.replace(/^\s*type\s+/, '').split(/\s+as\s+/).pop()!.trim()
      if (name && !/^type\s/.test(item.trim())) names.add(name)
    }
  }
  return [...names].map((name) => `export const ${name} = () => ({})`).join('\n')
}

function without(pattern: RegExp): Plugin {
  return {
    name: 'stand-in',
    setup(build) {
      build.onLoad({ filter: /\.(ts|js|mjs)$/ }, (args) => {
        const relative = args.path.startsWith(ROOT) ? args.path.slice(ROOT.length) : args.path
        return pattern.test(relative) ? { contents: standIn(args.path), loader: args.path.endsWith('.ts') ? 'ts' : 'js' } : undefined
      })
    },
  }
}

export interface BreakdownRow {
  part: string
  /** gzip bytes the bundle loses without the part. */
  gzip: number
  minified: number
}

/** The whole SDK bundle and the marginal cost of each part. */
export async function measureBreakdown(): Promise<{ total: { gzip: number; minified: number }; rows: BreakdownRow[] }> {
  const options = { entryPoints: [ENTRY], absWorkingDir: ROOT }
  const total = await bundleSize(options)
  const rows: BreakdownRow[] = []
  for (const part of PARTS) {
    const rest = await bundleSize({ ...options, plugins: [without(part.modules)] })
    rows.push({ part: part.name, gzip: total.gzip - rest.gzip, minified: total.min - rest.min })
  }
  return { total: { gzip: total.gzip, minified: total.min }, rows }
}

if (import.meta.main) {
  const { total, rows } = await measureBreakdown()
  console.log(`createNudge: ${total.minified} B minified, ${total.gzip} B gzip -9`)
  for (const row of rows) console.log(`${row.part.padEnd(66)} ${String(row.gzip).padStart(6)} B gzip  ${String(row.minified).padStart(6)} B min`)
}
