// Bundle sizes of nudgekit's browser entries next to peer SDKs, all bundled the same way in one run.
import { build } from 'esbuild'
import { gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'
import { budgets, measure } from '../scripts/size.mjs'

const require = createRequire(import.meta.url)

/** Each peer's client entry, imported the way its docs show, so the bundle holds what an app ships. */
const peers = [
  { name: '@growthbook/growthbook', code: "export { GrowthBook } from '@growthbook/growthbook'" },
  { name: 'flagsmith', code: "export { default } from 'flagsmith'" },
  { name: 'unleash-proxy-client', code: "export { UnleashClient } from 'unleash-proxy-client'" },
  { name: '@schematichq/schematic-js', code: "export { Schematic } from '@schematichq/schematic-js'" },
  { name: 'launchdarkly-js-client-sdk', code: "export { initialize } from 'launchdarkly-js-client-sdk'" },
]

export interface SizeRow {
  name: string
  version: string
  minified: number
  gzip: number
  budget?: number
}

async function measurePeer(code: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: code, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    logLevel: 'silent',
  })
  const bytes = result.outputFiles[0]!.contents
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }
}

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version
  } catch {
    return '?'
  }
}

/** Measures every nudgekit budget entry and every peer; esbuild, ESM, browser, minified, gzip -9. */
export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = []
  const own = versionOf('@nudgekit/sdk')
  for (const budget of budgets) {
    const { min, gzip } = await measure(budget)
    rows.push({ name: `nudgekit: ${budget.name}`, version: own, minified: min, gzip, budget: budget.limit })
  }
  for (const peer of peers) {
    const { min, gzip } = await measurePeer(peer.code)
    rows.push({ name: peer.name, version: versionOf(peer.name), minified: min, gzip })
  }
  return rows
}

if (import.meta.main) {
  for (const row of await measureSizes()) {
    console.log(`${row.name.padEnd(60)} ${row.version.padEnd(10)} ${(row.gzip / 1024).toFixed(2).padStart(7)} KB gzip`)
  }
}
