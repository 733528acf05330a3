// @vitest-environment node
// Server-side rendering imports the SDK where there is no window, document or localStorage, and may create a
// client there: it keeps state but makes no requests and leaves nothing running.
import { afterEach, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

it('imports without touching window, document or localStorage', async () => {
  const touched: string[] = []
  for (const name of ['window', 'document', 'localStorage', 'sessionStorage']) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name)
        return undefined
      },
    })
  }
  const sdk = await import('../src/index.ts')
  expect(typeof sdk.createNudge).toBe('function')
  expect(touched).toEqual([])
  for (const name of ['window', 'document', 'localStorage', 'sessionStorage']) Reflect.deleteProperty(globalThis, name)
})

const rules = {
  version: 2 as const,
  hash: 'h',
  metrics: { contacts: { label: 'contacts' } },
  features: {},
  plans: [{ id: 'free', name: 'Free', price: {}, limits: { contacts: 10 }, features: [] }],
  addons: [],
  triggers: [],
  defaults: { buyerRoles: ['owner'], nonBuyer: { cta: { label: 'Ask your admin' } }, currency: 'USD' },
  attribution: { windowMs: 1 },
}

it('creates a working client on the server with in-memory storage and no listeners', async () => {
  const { createNudge } = await import('../src/index.ts')
  const fetch = vi.fn(async () => new Response('{}', { status: 503 }))
  const nudge = createNudge({ endpoint: 'https://x.test', key: 'pk_1', account: { id: 'a', plan: 'free' }, user: { id: 'u' }, rules, fetch })
  nudge.setUsage('contacts', 5)
  expect(nudge.$usage.get().contacts).toEqual({ metric: 'contacts', label: 'contacts', used: 5, limit: 10, percent: 50 })
  expect(nudge.$prompts.get()).toEqual({ inline: {} })
  nudge.destroy()
})

it('makes no request and starts no timer or channel while server rendering, and still evaluates', async () => {
  const { createNudge } = await import('../src/index.ts')
  const fetch = vi.fn(async () => new Response('{}', { status: 503 }))
  const setTimeout = vi.fn(globalThis.setTimeout)
  const channels = vi.fn()
  vi.stubGlobal('fetch', fetch)
  vi.stubGlobal('setTimeout', setTimeout)
  vi.stubGlobal('BroadcastChannel', channels)
  const options = { endpoint: 'https://x.test', key: 'pk_1', account: { id: 'a', plan: 'free' }, user: { id: 'u' } }
  const served = createNudge({ ...options, rules })
  served.setUsage('contacts', 9)
  served.increment('contacts')
  served.track('report_viewed')
  expect(served.$usage.get().contacts).toMatchObject({ used: 10, limit: 10, percent: 100 })
  served.setAccount({ id: 'b', plan: 'free' })
  expect(served.$usage.get().contacts).toMatchObject({ used: 0, limit: 10 })
  await served.flush()
  served.destroy()
  const fetching = createNudge(options)
  expect(fetching.gate('segmentation')).toEqual({ allowed: true })
  await new Promise((resolve) => setImmediate(resolve))
  expect(fetching.$rules.get()).toBeUndefined()
  fetching.destroy()
  expect([fetch.mock.calls, setTimeout.mock.calls, channels.mock.calls]).toEqual([[], [], []])
})
