// One vitest run for the whole workspace: each package is a project with its own environment.
import { defineConfig } from 'vitest/config'
import { defaultClientConditions, defaultServerConditions } from 'vite'

const source = ['@nudgekit/source']
const resolve = { conditions: [...source, ...defaultClientConditions] }
const ssr = { resolve: { conditions: [...source, ...defaultServerConditions], externalConditions: source } }
const esbuild = { jsx: 'automatic' as const, jsxImportSource: 'preact' }

export default defineConfig({
  test: {
    projects: [
      { resolve, ssr, esbuild, test: { name: 'rules', root: 'packages/rules', environment: 'node' } },
      { resolve, ssr, esbuild, test: { name: 'sdk', root: 'packages/sdk', environment: 'jsdom' } },
      { resolve, ssr, esbuild, test: { name: 'widgets', root: 'packages/widgets', environment: 'jsdom' } },
      { resolve, ssr, esbuild, test: { name: 'server', root: 'packages/server', environment: 'node' } },
      {
        resolve, ssr, esbuild,
        test: { name: 'integration', root: 'test', environment: 'node', include: ['integration/**/*.test.ts'] },
      },
    ],
  },
})
