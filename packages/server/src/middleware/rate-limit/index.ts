// Rate limiting: a token bucket per known key and client address; an empty bucket answers 429 with Retry-After.
import type { Context, MiddlewareHandler } from 'hono'
import { errorResponse } from '../../http/errors.ts'
import type { AppEnv } from '../../http/env.ts'
import { keyFingerprint, type Keyring } from '../../keys.ts'
import { bearerKey } from '../auth/index.ts'

export interface RateLimitOptions {
  /** Tokens added per second (sustained requests per second). Default 20. */
  perSecond?: number
  /** Bucket size (requests allowed in a burst). Default 100. */
  burst?: number
  /** Buckets kept in memory; the least recently used go first. Default 10 000. */
  maxBuckets?: number
  /**
   * Take the client address from the last (right-most) `X-Forwarded-For` entry: the address your proxy
   * appended (nginx `$proxy_add_x_forwarded_for`, most load balancers). This assumes exactly one trusted
   * proxy hop in front of the server; entries left of it are whatever the client sent and are ignored, so a
   * client cannot open fresh buckets by making them up. Turn it on behind a reverse proxy you run (otherwise
   * every client shares the proxy's bucket); never when clients reach the server directly. In `createHandler`'s
   * `limits` it also lets the dashboard take its host and scheme from `X-Forwarded-Host`/`X-Forwarded-Proto`
   * (sign-in origin check, `Secure` cookie behind a TLS-terminating proxy).
   */
  trustProxy?: boolean
  now?: () => number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * The client address: the adapter's peer address, or, when the proxy is trusted, the right-most
 * `X-Forwarded-For` entry (the one the single trusted proxy appended; the client controls the ones before it).
 * @example clientAddress(c, true) // 'X-Forwarded-For: 6.6.6.6, 203.0.113.7' → '203.0.113.7'
 */
export function clientAddress(c: Context<AppEnv>, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  return c.env?.ip ?? 'unknown'
}

/**
 * A token bucket per (key fingerprint, client address) for a Bearer key of the keyring, and per client address
 * alone for every other request: no key, an unknown key, another scheme, or a key sent in the body (the
 * beacon form, whose key is read after this runs). Only the parsed, known key picks a bucket, so neither
 * the header's spelling ("bearer", extra spaces) nor a stream of made-up keys can open fresh buckets, and
 * floods of bad keys are limited with the address that sends them.
 * @example app.use('/v1/*', rateLimit(keyring, { perSecond: 20, burst: 100 }))
 */
export function rateLimit(keyring: Keyring, options: RateLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const perSecond = options.perSecond ?? 20
  const burst = options.burst ?? 100
  const maxBuckets = options.maxBuckets ?? 10_000
  const now = options.now ?? Date.now
  const buckets = new Map<string, Bucket>()
  // Fingerprints of known keys only (checked first), so the map stays as small as the keyring.
  const fingerprints = new Map<string, string>()
  const fingerprintOf = (header: string | undefined): string | undefined => {
    const key = bearerKey(header)
    if (key === undefined || keyring.identify(key) === undefined) return undefined
    let fingerprint = fingerprints.get(key)
    if (fingerprint === undefined) fingerprints.set(key, (fingerprint = keyFingerprint(key)))
    return fingerprint
  }

  return async (c, next) => {
    const address = clientAddress(c, options.trustProxy ?? false)
    const fingerprint = fingerprintOf(c.req.header('authorization'))
    const id = fingerprint === undefined ? address : `${fingerprint}\u0000${address}`
    const at = now()
    const previous = buckets.get(id)
    const bucket: Bucket = previous
      ? { tokens: Math.min(burst, previous.tokens + ((at - previous.at) / 1000) * perSecond), at }
      : { tokens: burst, at }
    buckets.delete(id)
    buckets.set(id, bucket)
    if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value!)

    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond))
      return errorResponse(429, 'rate_limited',
        `Failed to accept the request: too many requests from this client (the limit is ${perSecond} a second, bursts of ${burst}).`,
        `Retry after ${retryAfter} s.`, { headers: { 'retry-after': String(retryAfter) } })
    }
    bucket.tokens -= 1
    await next()
  }
}
