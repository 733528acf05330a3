// One webhook delivery attempt (a signed POST) and the jittered exponential backoff before the next one.
import { SIGNATURE_HEADER, signPayload } from './signature.ts'

export interface AttemptOptions {
  fetch: typeof globalThis.fetch
  /** Epoch milliseconds; the signature timestamp is taken at each attempt. */
  now: () => number
  /** Time allowed for one attempt before it counts as failed. */
  timeoutMs: number
}

export interface BackoffOptions {
  /** Uniform in [0, 1): the jitter. */
  random: () => number
  /** Backoff ceiling after the first failure; doubles after each failure, capped at `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
}

export interface DeliveryRequest {
  url: string
  body: string
  /** Signing secret; unsigned when absent. */
  secret: string | undefined
  /** Stable across retries, so a receiver can drop a repeat. */
  deliveryId: string
}

export type AttemptOutcome =
  | { ok: true; status: number }
  | {
      ok: false
      /** Network errors, timeouts, 408, 429 and 5xx; other answers (4xx, redirects) are final. */
      retryable: boolean
      status: number | null
      reason: string
      /** What the receiver's `Retry-After` asked for; 0 without one. */
      retryAfterMs: number
    }

/**
 * POSTs the body once, signed when the request has a secret, and says whether a failure is worth retrying.
 * Never throws: network errors and timeouts are outcomes.
 *
 * @example
 * const outcome = await attemptDelivery({ url, body, secret, deliveryId: 'sales:0194…' }, { fetch, now: Date.now, timeoutMs: 10_000 })
 * if (!outcome.ok && outcome.retryable) schedule(retryDelay(1, outcome.retryAfterMs, backoff))
 */
export async function attemptDelivery(request: DeliveryRequest, options: AttemptOptions): Promise<AttemptOutcome> {
  try {
    const response = await options.fetch(request.url, {
      method: 'POST',
      headers: headers(request, options.now()),
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    })
    await response.body?.cancel()
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status }
    return {
      ok: false,
      retryable: isRetryable(response.status),
      status: response.status,
      reason: `the receiver answered ${response.status}`,
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), options.now()),
    }
  } catch (error) {
    return { ok: false, retryable: true, status: null, reason: failureReason(error, options.timeoutMs), retryAfterMs: 0 }
  }
}

/**
 * A failed request in words, with the cause fetch hides behind "fetch failed" (DNS, refused connection, TLS).
 * @example failureReason(new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND hooks.example.com') }), 10_000)
 * // 'the receiver could not be reached (getaddrinfo ENOTFOUND hooks.example.com)'
 */
export function failureReason(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error)
  if (error.name === 'TimeoutError') return `the receiver did not answer within ${timeoutMs} ms`
  const cause = error.cause instanceof Error ? error.cause : undefined
  if (error.message === 'fetch failed' && cause) {
    // undici wraps a connect failure (and a TLS one) once more in an AggregateError or SocketError.
    const detail = cause instanceof AggregateError && cause.errors[0] instanceof Error ? cause.errors[0] : cause
    return `the receiver could not be reached (${detail.message || (detail as NodeJS.ErrnoException).code || detail.name})`
  }
  return `${error.name}: ${error.message}`
}

/**
 * Milliseconds to wait after `failures` failed attempts: full jitter (a random wait up to base × 2ⁿ⁻¹,
 * capped at `maxDelayMs`), never sooner than the receiver's `Retry-After`, and never more than `maxDelayMs`.
 *
 * @example retryDelay(3, 0, { random: Math.random, baseDelayMs: 1_000, maxDelayMs: 60_000 }) // in [0, 4000)
 */
export function retryDelay(failures: number, retryAfterMs: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failures - 1))
  return Math.min(options.maxDelayMs, Math.max(retryAfterMs, options.random() * ceiling))
}

function headers(request: DeliveryRequest, now: number): Record<string, string> {
  const result: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'nudgekit-webhooks',
    'X-Nudgekit-Delivery': request.deliveryId,
  }
  if (request.secret) result[SIGNATURE_HEADER] = signPayload(request.body, request.secret, Math.floor(now / 1000))
  return result
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

function parseRetryAfter(value: string | null, now: number): number {
  if (!value) return 0
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? 0 : Math.max(0, date - now)
}
