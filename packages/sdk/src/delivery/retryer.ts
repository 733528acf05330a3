// When to try a failed send again: which failures are worth retrying, jittered exponential backoff, Retry-After.

/** Attempts per batch before the sender pauses until the next flush, `online`, visible page or page load. */
export const MAX_ATTEMPTS = 10

/** Timeouts, rate limits and server errors pass; other client errors would fail the same way again. */
export function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/**
 * Milliseconds to wait before attempt `attempt + 1`: 1 s doubling up to 60 s, jittered to 50–100 %,
 * and never before the server's `Retry-After`.
 * @example backoff(3, Math.random, 0) // between 4000 and 8000
 */
export function backoff(attempt: number, random: () => number, retryAfterMs: number): number {
  return Math.max(retryAfterMs, Math.min(60_000, 1000 * 2 ** attempt) * (0.5 + random() / 2))
}

/**
 * Milliseconds a `Retry-After` header asks for: delta seconds or an HTTP date; 0 when absent or unreadable.
 * @example retryAfterMs('120', Date.now()) // 120000
 */
export function retryAfterMs(header: string | null, now: number): number {
  if (!header) return 0
  const seconds = Number(header)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now
  return ms > 0 ? ms : 0
}
