// Webhook signatures, Stripe style: `X-Nudgekit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'X-Nudgekit-Signature'

/** Default tolerance between the signed timestamp and the receiver's clock: five minutes. */
export const DEFAULT_TOLERANCE_SEC = 300

/**
 * The `X-Nudgekit-Signature` value for a body sent at `timestampSec` (unix seconds): the hex
 * HMAC-SHA256, keyed with the route's secret, of the timestamp, a dot and the exact body bytes.
 *
 * @example signPayload('{"type":"upgrade_requested"}', 'whsec_…', 1767225600) // 't=1767225600,v1=5f0c…'
 */
export function signPayload(body: string, secret: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`
}

/**
 * Checks a webhook from nudgekit on the receiving side: true when `header` carries a `v1` signature
 * of `body` made with `secret`, with a timestamp no further than `toleranceSec` from now (which
 * stops replays of captured requests). Pass the raw request body exactly as received, before any
 * JSON parsing (a string, or the bytes, e.g. from `express.raw()`). Several `v1` entries are accepted, so a secret can be rotated. Comparison is
 * constant-time.
 *
 * @example
 * const body = await request.text()
 * const signature = request.headers.get('X-Nudgekit-Signature')
 * if (!verifySignature(body, signature, process.env.NUDGEKIT_WEBHOOK_SECRET!)) {
 *   return new Response('invalid signature', { status: 400 })
 * }
 * const notification = JSON.parse(body)
 */
export function verifySignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  secret: string,
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
  now: number = Date.now(),
): boolean {
  if (!header || !secret) return false
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const separator = part.indexOf('=')
    const key = part.slice(0, separator).trim()
    const value = part.slice(separator + 1).trim()
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value)
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value)
  }
  if (timestamp === undefined || signatures.length === 0) return false
  if (Math.abs(now / 1000 - timestamp) > toleranceSec) return false
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex')
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected))
}

function hmacHex(secret: string, timestampSec: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex')
}
