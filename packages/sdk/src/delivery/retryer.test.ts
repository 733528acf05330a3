// Retry policy: which statuses are retried, backoff bounds and Retry-After parsing.
import { expect, it } from 'vitest'
import { backoff, isRetryable, retryAfterMs } from './retryer.ts'

it('retries network-ish failures (408, 429, 5xx) and nothing else', () => {
  expect([408, 429, 500, 502, 503].map(isRetryable)).toEqual([true, true, true, true, true])
  expect([400, 401, 403, 404, 413, 422].map(isRetryable)).toEqual([false, false, false, false, false, false])
})

it('backs off exponentially from 1 s with 50–100 % jitter, capped at 60 s', () => {
  expect(backoff(0, () => 0, 0)).toBe(500)
  expect(backoff(0, () => 0.999999, 0)).toBeCloseTo(1000, 0)
  expect(backoff(3, () => 1, 0)).toBe(8000)
  expect(backoff(12, () => 1, 0)).toBe(60_000)
})

it('never waits less than Retry-After', () => {
  expect(backoff(0, () => 0, 30_000)).toBe(30_000)
})

it('reads Retry-After as seconds or as an HTTP date', () => {
  const now = Date.UTC(2026, 0, 5, 9)
  expect(retryAfterMs('120', now)).toBe(120_000)
  expect(retryAfterMs(new Date(now + 45_000).toUTCString(), now)).toBe(45_000)
  expect(retryAfterMs('soon', now)).toBe(0)
  expect(retryAfterMs(null, now)).toBe(0)
})
