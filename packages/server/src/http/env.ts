// The Hono environment of the handler: per-request variables and what the runtime adapter passes in.
import type { KeyKind } from '../keys.ts'

/** What a runtime adapter knows about the connection. */
export interface ConnectionInfo {
  /** Peer address of the TCP connection (the Node adapter fills it). */
  ip?: string
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
