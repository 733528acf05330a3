// One vitest run for the whole workspace: each package is a project with its own environment.
import { defineConfig } from 'vitest/config'
import { defaultClientConditions, defaultServerConditions } from 'vite'
import { MINIFIED_SDK } from './packages/sdk/test/minified-build.ts'

const source = ['@nudgekit/source']
const resolve = { conditions: [...source, ...defaultClientConditions] }
const ssr = { resolve: { conditions: [...source, ...defaultServerConditions], externalConditions: source } }
// Vite 8 transforms with oxc (its `esbuild` option is ignored): JSX through Preact's automatic runtime.
const oxc = { jsx: { runtime: 'automatic' as const, importSource: 'preact' } }

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
      {
        resolve, ssr, oxc,
        test: {
          name: 'widgets', root: 'packages/widgets', environment: 'jsdom',
          // Inlined so it shares the ESM Preact the components use (one copy of Preact's hooks state).
          server: { deps: { inline: ['@testing-library/preact'] } },
        },
      },
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
