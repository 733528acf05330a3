// Which PostgreSQL and driver errors mean "the database is unavailable now" (503) or "run the transaction again".

/**
 * SQLSTATE classes that say the server cannot serve this connection now: 08 connection exception, 28 login
 * refused (role missing, password wrong, pg_hba), 53 insufficient resources (too many connections, disk full,
 * out of memory).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '28', '53'])

/** Single SQLSTATEs with the same meaning. */
const UNAVAILABLE_STATES = new Set([
  '3D000', // invalid_catalog_name: the database does not exist (dropped, or not created yet)
  '55000', // object_not_in_prerequisite_state: what a connection gets once `allow_connections` is false
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down or in recovery
  '57P04', // database_dropped
  '57P05', // idle_session_timeout
])

/** Codes the `postgres` driver and Node's sockets give when no connection can be made or kept. */
const UNAVAILABLE_DRIVER = new Set([
  'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED',
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN',
])

/** Deadlock and serialization failure: the transaction is safe to run again. */
const RETRYABLE = new Set(['40P01', '40001'])

/**
 * The SQLSTATE or driver code of `error`, '' without one.
 *
 * @example
 * codeOf(new Error('x')) // ''
 */
export function codeOf(error: unknown): string {
  return String((error as { code?: unknown } | null)?.code ?? '')
}

/**
 * True when `error` means PostgreSQL cannot be used right now (unreachable, refusing connections, out of
 * resources, shutting down), so the store answers `StoreUnavailableError` (503 + Retry-After) rather than
 * failing the request as a bug. Errors about a statement or its data (syntax, constraints, invalid input)
 * are not.
 *
 * @example
 * isUnavailable({ code: '55000' }) // true: `alter database … allow_connections false`
 * isUnavailable({ code: '22P02' }) // false: invalid input, e.g. JSON PostgreSQL refuses
 */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error)
  return UNAVAILABLE_DRIVER.has(code) || UNAVAILABLE_STATES.has(code)
    || (code.length === 5 && UNAVAILABLE_CLASSES.has(code.slice(0, 2)))
}

/**
 * True when `error` is a deadlock or serialization failure, which running the transaction again resolves.
 *
 * @example
 * isRetryable({ code: '40P01' }) // true
 */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(codeOf(error))
}
