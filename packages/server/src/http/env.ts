// The Hono environment of the handler: per-request variables and what the runtime adapter passes in.
import type { KeyKind } from '../keys.ts'

/** What a runtime adapter knows about the connection. */
export interface ConnectionInfo {
  /** Peer address of the TCP connection (the Node adapter fills it). */
  ip?: string
  /**
   * The path prefix the host mounted the handler under, when the host strips it before the handler sees the
   * request (Express `app.use('/nudgekit', nodeMiddleware(…))`): the dashboard's links, redirects and cookie
   * path start with it. `nodeMiddleware` fills it from Express's `originalUrl`.
   */
  basePath?: string
}

export interface AppEnv {
  Bindings: ConnectionInfo
  Variables: {
    requestId: string
    /** The authenticated key and its kind, set by the auth middleware or the events route. */
    key: string
    keyKind: KeyKind
  }
}
