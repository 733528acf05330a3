// One vitest run for the whole workspace: each package is a project with its own environment.
import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig } from 'vitest/config'
import { defaultClientConditions, defaultServerConditions, type Plugin } from 'vite'
import { MINIFIED_SDK } from './packages/sdk/test/minified-build.ts'

const source = ['@nudgekit/source']
const resolve = { conditions: [...source, ...defaultClientConditions] }
const ssr = { resolve: { conditions: [...source, ...defaultServerConditions], externalConditions: source } }
// Vite 8 transforms with oxc (its `esbuild` option is ignored): JSX through Preact's automatic runtime.
const oxc = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } }

/** Where the widgets' own imports resolve from: their package, whose devDependencies hold both Preacts. */
const widgetsImporter = fileURLToPath(new URL('./packages/widgets/src/index.ts', import.meta.url))

/**
 * A widgets project on one Preact, `preact` (the workspace's 10) or the alias `preact-11`: every `preact` and
 * `preact/*` import (the components', the inlined @testing-library/preact's, Preact's own) resolves to that copy.
 * Both need the pin: pnpm gives @testing-library/preact the newest Preact in the workspace, and a second copy
 * would split the hooks state. test/preact-version.test.tsx checks that the pin took.
 */
function widgetsOn(copy: 'preact' | 'preact-11', name: string, major: number, exclude: string[] = []) {
  const pin: Plugin = {
    name: `preact-from-${copy}`,
    enforce: 'pre',
    resolveId(id, _importer, options) {
      if (/^preact(?:\/|$)/.test(id)) return this.resolve(copy + id.slice('preact'.length), widgetsImporter, { ...options, skipSelf: true })
    },
  }
  return {
    resolve, ssr, oxc,
    plugins: [pin],
    test: {
      name, root: 'packages/widgets', environment: 'jsdom', exclude: [...configDefaults.exclude, ...exclude],
      env: { NUDGEKIT_PREACT_MAJOR: String(major) },
      // Inlined so it takes the pin, and shares the ESM Preact the components use.
      server: { deps: { inline: ['@testing-library/preact'] } },
    },
  }
}

export default defineConfig({
  test: {
    projects: [
      { resolve, ssr, oxc, test: { name: 'rules', root: 'packages/rules', environment: 'node' } },
      { resolve, ssr, oxc, test: { name: 'sdk', root: 'packages/sdk', environment: 'jsdom' } },
      {
        // The SDK's behaviour suites once more against its minified bundle (what ships), not the source.
        resolve: { ...resolve, alias: [{ find: /^\.\.\/src\/(index|create-nudge|storage)\.ts$/, replacement: MINIFIED_SDK }] },
        ssr, oxc,
        test: {
          name: 'sdk-min', root: 'packages/sdk', environment: 'jsdom', include: ['test/**/*.test.ts'],
          // It spies on the evaluator module, which the bundle carries inside.
          exclude: ['test/incremental.test.ts'],
          globalSetup: ['test/minified-build.ts'],
        },
      },
      widgetsOn('preact', 'widgets', 10),
      // The peer range allows Preact 11 too: the same suites on it.
      // test/iife.test.ts is left out: the <script> bundle carries its own Preact, the workspace's 10.
      widgetsOn('preact-11', 'widgets-preact11', 11, ['test/iife.test.ts']),
      { resolve, ssr, oxc, test: { name: 'server', root: 'packages/server', environment: 'node' } },
      {
        resolve, ssr, oxc,
        test: { name: 'integration', root: 'test', environment: 'node', include: ['integration/**/*.test.ts'] },
      },
      {
        // The READMEs' code blocks checked against the code (test/docs/readme.test.ts).
        resolve, ssr, oxc,
        test: { name: 'docs', root: 'test', environment: 'node', include: ['docs/**/*.test.ts'] },
      },
    ],
  },
})
