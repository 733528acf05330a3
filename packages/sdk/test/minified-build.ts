// The SDK as browsers get it from a bundler: src/index.ts bundled and minified by esbuild (identifiers
// renamed, dead code dropped), so the `sdk-min` vitest project can run the behaviour suites against it.
import { build } from 'esbuild'
import { join } from 'node:path'

/** Where the minified bundle is written; `vitest.config.ts` points the suites' `../src/…` imports at it. */
export const MINIFIED_SDK = join(import.meta.dirname, '../../../node_modules/.cache/nudgekit/sdk.min.js')

/**
 * vitest global setup of the `sdk-min` project: bundles the SDK once before the suites run. Development
 * mode (`NODE_ENV` is 'test'), so the warnings the suites assert keep their hints.
 */
export default async function setup(): Promise<void> {
  await build({
    entryPoints: [join(import.meta.dirname, '../src/index.ts')],
    outfile: MINIFIED_SDK,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@nudgekit/source'],
    define: { 'process.env.NODE_ENV': '"test"' },
    logLevel: 'warning',
  })
}
