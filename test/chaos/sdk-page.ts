// The real browser SDK as a page would create it, over a jsdom window's storage and a fast clock.
import type { CompiledRules } from '@nudgekit/rules'
import { createNudge, type Nudge } from '@nudgekit/sdk'
import type { DomEnvironment } from './dom.ts'
import type { FastClock } from './fast-clock.ts'
import { PUBLISHABLE_KEY } from './server-process.ts'

export interface PageOptions {
  endpoint: string
  rules: CompiledRules
  dom: DomEnvironment
  clock: FastClock
  /** Default: Node's fetch. Wrap it to watch answers. */
  fetch?: typeof fetch
}

/**
 * A new page load: `createNudge` over the window's localStorage, so events queued by the previous page
 * (destroyed without a flush) are picked up and sent.
 * @example let nudge = openPage(options); nudge.track('x'); nudge.destroy(); nudge = openPage(options)
 */
export function openPage(options: PageOptions): Nudge {
  return createNudge({
    endpoint: options.endpoint,
    key: PUBLISHABLE_KEY,
    account: { id: 'acct_chaos', plan: 'business' },
    user: { id: 'user_chaos', role: 'admin' },
    rules: options.rules,
    storage: options.dom.localStorage,
    sessionStorage: options.dom.sessionStorage,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now: options.clock.now,
    timers: options.clock.timers,
  })
}
