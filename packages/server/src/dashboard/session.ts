// Dashboard sessions: a cookie holding an expiry signed with a key derived from the secret key.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const SESSION_COOKIE = 'nudgekit_session'

/** How long a login lasts. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000

export interface Sessions {
  /** True when `key` is one of the secret keys. Constant time in the key. */
  checkKey(key: string): boolean
  /** A cookie value valid until `now + SESSION_TTL_MS`. */
  issue(now: number): string
  /** True when the cookie value was issued by us and has not expired. */
  verify(value: string | undefined, now: number): boolean
}

/**
 * Sessions keyed by the server's secret keys. The cookie is `<expiry ms>.<hex HMAC-SHA256 of the
 * expiry>`, the HMAC keyed not with a secret key itself but with HMAC(secret key, a fixed label), so
 * the cookie never reveals anything usable as an API key. Rotating the secret key ends every session.
 */
export function createSessions(secretKeys: string | readonly string[]): Sessions {
  const keys = typeof secretKeys === 'string' ? [secretKeys] : [...secretKeys]
  if (keys.length === 0 || keys.some((key) => key.length === 0)) {
    throw new Error('Failed to set up the dashboard: no secret key given. Pass the server secret key as secretKey.')
  }
  const digests = keys.map(sha256)
  const sessionKeys = keys.map((key) => createHmac('sha256', key).update('nudgekit dashboard session v1').digest())
  const sign = (sessionKey: Buffer, expiry: string) => createHmac('sha256', sessionKey).update(expiry).digest()

  return {
    checkKey(key) {
      const presented = sha256(key)
      let match = false
      for (const digest of digests) match = timingSafeEqual(presented, digest) || match
      return match
    },
    issue(now) {
      const expiry = String(now + SESSION_TTL_MS)
      return `${expiry}.${sign(sessionKeys[0]!, expiry).toString('hex')}`
    },
    verify(value, now) {
      const match = value === undefined ? null : /^(\d{1,16})\.([0-9a-f]{64})$/.exec(value)
      if (!match) return false
      const [, expiry, signature] = match as unknown as [string, string, string]
      if (Number(expiry) <= now) return false
      const presented = Buffer.from(signature, 'hex')
      let valid = false
      for (const sessionKey of sessionKeys) valid = timingSafeEqual(presented, sign(sessionKey, expiry)) || valid
      return valid
    },
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
