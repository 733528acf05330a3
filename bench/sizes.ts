// Bundle sizes of nudgekit's browser entries next to peer SDKs, all bundled the same way in one run.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { budgets, bundleSize, measure } from '../scripts/size.mjs'

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

function measurePeer(code: string): Promise<{ min: number; gzip: number }> {
  return bundleSize({ stdin: { contents: code, resolveDir: import.meta.dirname, loader: 'js' } })
}

/** The installed version of a package the bench depends on, or `?`. */
export function versionOf(name: string): string {
  // Read the manifest from disk: some packages' `exports` do not expose package.json to require().
  for (const base of [import.meta.dirname, join(import.meta.dirname, '..')]) {
    try {
      return (JSON.parse(readFileSync(join(base, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
    } catch {
      // not installed under this folder: try the next
    }
  }
  return '?'
}

/** Measures every nudgekit budget entry and every peer; esbuild, ESM, browser, minified, gzip -9. */
export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = []
  const own = versionOf('@nudgekit/sdk')
  for (const budget of budgets) {
    const { min, gzip } = await measure(budget)
    rows.push({ name: `nudgekit: ${budget.name}`, version: own, minified: min, gzip, budget: budget.goal })
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
