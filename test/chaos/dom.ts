// A DOM environment for the real SDK in Node: a jsdom window as `window`/`document`, its Web Storage, Node's fetch.
import { JSDOM } from 'jsdom'

export interface DomEnvironment {
  /** The page's localStorage: survives `reloads` because the same window stays, like a browser profile. */
  readonly localStorage: Storage
  readonly sessionStorage: Storage
  /** Removes the globals again. */
  close(): void
}

/**
 * Installs a jsdom window at `url` as the global `window` and `document` (the SDK listens there for
 * pagehide, visibilitychange and online). Network stays Node's `fetch`, which the SDK is given explicitly.
 * @example const dom = installDom('http://127.0.0.1/app'); createNudge({ …, storage: dom.localStorage })
 */
export function installDom(url: string): DomEnvironment {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url })
  const globals = globalThis as unknown as Record<string, unknown>
  globals.window = dom.window
  globals.document = dom.window.document
  return {
    localStorage: dom.window.localStorage,
    sessionStorage: dom.window.sessionStorage,
    close() {
      delete globals.window
      delete globals.document
      dom.window.close()
    },
  }
}
