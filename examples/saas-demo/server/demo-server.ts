// Starts Acme CRM: browser bundles, the nudgekit handler on the embedded SQLite store, and the demo's own routes.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { createHandler, sqlite } from '@nudgekit/server'
import { buildBundles } from './bundles.ts'
import { createDemoState } from './demo-state.ts'
import { demoRoutes, NUDGEKIT_BASE } from './routes.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** The demo's fixed keys: fine for a local demo, never for production (generate your own). */
export const DEMO_KEYS = {
  publishable: 'pk_demo_acme_crm_0000000000000001',
  secret: 'sk_demo_acme_crm_0000000000000001',
} as const

/**
 * Access lines (`request`, one per answer, 4xx as warnings) would drown the demo's console; other warnings
 * (a bad edit of the rules file) and every error still show.
 */
const quietLogger = {
  info() {},
  warn: (message: string, fields?: Record<string, unknown>) => {
    if (message !== 'request') console.warn(`[nudgekit] ${message}`, fields ?? '')
  },
  error: (message: string, fields?: Record<string, unknown>) => console.error(`[nudgekit] ${message}`, fields ?? ''),
}

export interface DemoOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Where the SQLite database and the demo account live. Default `.nudgekit/` under the repository. */
  dataDir?: string
  /** Default `examples/rules/acme-crm.yaml`. */
  rulesPath?: string
}

export interface RunningDemo {
  /** Base URL of the app, e.g. `http://127.0.0.1:3000`. */
  url: string
  keys: typeof DEMO_KEYS
  close(): Promise<void>
}

/**
 * @example
 * const demo = await startDemo({ port: 0, dataDir: mkdtempSync('/tmp/acme-') })
 * console.log(demo.url)
 * await demo.close()
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const dataDir = resolve(options.dataDir ?? join(repoRoot, '.nudgekit'))
  mkdirSync(dataDir, { recursive: true })
  const rules = options.rulesPath ?? join(repoRoot, 'examples/rules/acme-crm.yaml')

  const bundles = await buildBundles()
  const store = sqlite(join(dataDir, 'demo.db'))
  const nudgekit = createHandler({ rules, store, keys: DEMO_KEYS, logger: quietLogger })
  const state = createDemoState(join(dataDir, 'demo-account.json'))

  // The host app's server: nudgekit's API and dashboard under /nudgekit (same origin, so no CORS), the rest is Acme's.
  const app = new Hono()
  app.route(NUDGEKIT_BASE, nudgekit.app)
  const acme = demoRoutes({ bundles, state, nudgekit, keys: DEMO_KEYS })
  app.all('*', (c) => acme(c.req.raw))

  // Keep Node's own Request/Response: @hono/node-server's lighter replacements break `instanceof Response`
  // checks in handlers that are not its own (nudgekit's key check among them).
  const server = serve({
    fetch: app.fetch,
    port: options.port ?? 3000,
    hostname: options.host ?? '127.0.0.1',
    overrideGlobalObjects: false,
  })
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve)
      server.once('error', reject)
    })
  } catch (error) {
    nudgekit.close()
    await store.close()
    throw error
  }
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address}:${port}`,
    keys: DEMO_KEYS,
    async close() {
      nudgekit.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close()
    },
  }
}
