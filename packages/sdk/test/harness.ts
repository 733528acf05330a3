// The per-test world of the SDK suites that talk to the fake server: msw, and for each test a fresh fake
// server, virtual clock and storage, and the clients the test opened, destroyed after it.
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { memoryStorage } from '../src/storage.ts'
import type { Nudge, StorageLike } from '../src/types.ts'
import { createClock, type VirtualClock } from './clock.ts'
import { client, type ClientSetup } from './fixtures.ts'
import { createFakeServer, type FakeServer } from './server-handlers.ts'

export interface HarnessOptions {
  /** 'shared' (default): clients get the test's `storage`, so a second client is a page reload. 'per-client': each its own. */
  storage?: 'shared' | 'per-client'
  /** 'shared': clients get the test's `session` (one browser session). 'per-client' (default): each its own. */
  session?: 'shared' | 'per-client'
  /** Silences console.warn and collects what it was given in `warnings`. */
  collectWarnings?: boolean
}

/** What the current test works with; read it inside a test or hook, as each test gets new values. */
export interface Harness {
  /** The fake server: what it received (`events`, `requests`) and how it answers (`failWith`, `state`, `reject`, …). */
  readonly fake: FakeServer
  readonly clock: VirtualClock
  readonly storage: StorageLike
  readonly session: StorageLike
  /** console.warn texts, in order (empty unless `collectWarnings`). */
  readonly warnings: string[]
  /** A client on the test's clock and rules, destroyed after the test; `setup` overrides key by key (`rules: undefined` starts without rules). */
  open(setup?: Partial<ClientSetup>): Nudge
}

/**
 * Registers the suite's hooks: msw listens for the whole file and treats a request no handler takes as an error;
 * before each test a new fake server, clock and storage; after it, its clients destroyed, pending work
 * settled and spies restored.
 * @example
 * const env = setupHarness(compileRules(BASE_RULES))
 * it('sends a track event', async () => {
 *   env.open().track('report_viewed')
 *   await env.clock.advance(1000)
 *   expect(env.fake.events).toHaveLength(1)
 * })
 */
export function setupHarness(rules: CompiledRules, options: HarnessOptions = {}): Harness {
  const msw = setupServer()
  const clients: Nudge[] = []
  let fake: FakeServer
  let clock: VirtualClock
  let storage: StorageLike
  let session: StorageLike
  let warnings: string[]

  beforeAll(() => msw.listen({ onUnhandledFrame: 'error' }))
  beforeEach(() => {
    fake = createFakeServer(rules)
    msw.resetHandlers(...fake.handlers)
    clock = createClock()
    storage = memoryStorage()
    session = memoryStorage()
    warnings = []
    if (options.collectWarnings) vi.spyOn(console, 'warn').mockImplementation((text: string) => void warnings.push(text))
  })
  afterEach(async () => {
    for (const nudge of clients.splice(0)) nudge.destroy()
    await clock.settle()
    vi.restoreAllMocks()
  })
  afterAll(() => msw.close())

  return {
    get fake() {
      return fake
    },
    get clock() {
      return clock
    },
    get storage() {
      return storage
    },
    get session() {
      return session
    },
    get warnings() {
      return warnings
    },
    open(setup = {}) {
      const nudge = client({
        clock,
        rules,
        storage: options.storage === 'per-client' ? undefined : storage,
        sessionStorage: options.session === 'shared' ? session : undefined,
        ...setup,
      })
      clients.push(nudge)
      return nudge
    },
  }
}
