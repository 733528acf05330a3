// Builds the demo's browser code (Acme CRM app, React host) with esbuild into memory when the server starts.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** URL path → JavaScript source, served as-is by the demo server. */
export type Bundles = ReadonlyMap<string, string>

const entries = {
  '/assets/app.js': fileURLToPath(new URL('../app/main.ts', import.meta.url)),
  '/assets/react.js': fileURLToPath(new URL('../../react-host/src/main.tsx', import.meta.url)),
}

/**
 * Bundles every browser entry (source-first: workspace packages resolve to their `src/`).
 *
 * @example
 * const bundles = await buildBundles()
 * bundles.get('/assets/app.js')
 */
export async function buildBundles(options: { minify?: boolean } = {}): Promise<Bundles> {
  const result = await build({
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out: out.slice('/assets/'.length, -'.js'.length) })),
    outdir: '/assets',
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['@nudgekit/source'],
    minify: options.minify ?? false,
    sourcemap: 'inline',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': JSON.stringify(options.minify ? 'production' : 'development') },
    logLevel: 'silent',
  })
  return new Map(result.outputFiles.map((file) => [file.path, file.text]))
}
