// One webhook delivery: a signed POST, retried with jittered exponential backoff until it lands or gives up.
import { SIGNATURE_HEADER, signPayload } from './signature.ts'

export interface DeliveryOptions {
  fetch: typeof globalThis.fetch
  /** Epoch milliseconds; the signature timestamp is taken at each attempt. */
  now: () => number
  /** Waits between attempts. */
  sleep: (ms: number) => Promise<void>
  /** Uniform in [0, 1): the jitter. */
  random: () => number
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** Backoff before the second attempt; doubles after each failure, capped at `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
  /** Time allowed for one attempt before it counts as failed. */
  timeoutMs: number
}

export interface DeliveryRequest {
  url: string
  body: string
  /** Signing secret; unsigned when absent. */
  secret: string | undefined
  /** Stable across retries, so a receiver can drop a repeat. */
  deliveryId: string
}

export type DeliveryOutcome =
  | { ok: true; attempts: number; status: number }
  | { ok: false; attempts: number; status: number | null; reason: string }

/**
 * POSTs the body, retrying network errors, timeouts, 408, 429 and 5xx with full-jitter exponential
 * backoff (a random wait up to base × 2ⁿ, capped), never sooner than a `Retry-After` the receiver
 * sent. Other 4xx answers mean the receiver rejects the payload and are not retried.
 */
export async function deliver(request: DeliveryRequest, options: DeliveryOptions): Promise<DeliveryOutcome> {
  let last: { status: number | null; reason: string } = { status: null, reason: 'not attempted' }
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    let retryAfterMs = 0
    try {
      const response = await options.fetch(request.url, {
        method: 'POST',
        headers: headers(request, options.now()),
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs),
      })
      await response.body?.cancel()
      if (response.status >= 200 && response.status < 300) return { ok: true, attempts: attempt, status: response.status }
      last = { status: response.status, reason: `the receiver answered ${response.status}` }
      if (!isRetryable(response.status)) return { ok: false, attempts: attempt, ...last }
      retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), options.now())
    } catch (error) {
      last = { status: null, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
    }
    if (attempt < options.maxAttempts) {
      const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1))
      await options.sleep(Math.min(options.maxDelayMs, Math.max(retryAfterMs, options.random() * ceiling)))
    }
  }
  return { ok: false, attempts: options.maxAttempts, ...last }
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
