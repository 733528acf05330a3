// API keys: publishable (pk_…) vs secret (sk_…), compared in constant time, and generated for local use.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export interface KeysOption {
  /** Publishable keys (`pk_…`): read rules and state, write events. Several allow rotation. */
  publishable: string | readonly string[]
  /** Secret keys (`sk_…`): also report conversions and read stats, forecast and the dashboard. */
  secret: string | readonly string[]
}

export type KeyKind = 'publishable' | 'secret'

export interface Keyring {
  /** The kind of a presented key, or undefined when it is not one of ours. Constant time in the key. */
  identify(key: string): KeyKind | undefined
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()

/**
 * Why `value` cannot be a key of `kind`, or undefined when it can: a key starts with its prefix (`pk_`, `sk_`)
 * and has at least 16 characters, so a secret key cannot be shipped as a publishable one by mistake.
 * @example keyProblem('secret', 'sk_x') // "a secret key must start with 'sk_' and be at least 16 characters (got 4)"
 */
export function keyProblem(kind: KeyKind, value: string): string | undefined {
  const prefix = kind === 'publishable' ? 'pk_' : 'sk_'
  if (value.startsWith(prefix) && value.length >= 16) return undefined
  const got = value.startsWith(prefix) ? `got ${value.length} characters` : `got a key starting with '${value.slice(0, 3)}'`
  return `a ${kind} key must start with '${prefix}' and be at least 16 characters (${got})`
}

/**
 * Checks the configured keys (see `keyProblem`) and returns a keyring. Throws on a key that is not one.
 * @example createKeyring({ publishable: 'pk_live_…', secret: 'sk_live_…' }).identify(bearer) // 'secret'
 */
export function createKeyring(keys: KeysOption): Keyring {
  const entries: { digest: Buffer; kind: KeyKind }[] = []
  for (const [kind, list] of [
    ['publishable', keys.publishable],
    ['secret', keys.secret],
  ] as const) {
    const values = typeof list === 'string' ? [list] : list
    if (values.length === 0) throw new Error(`[nudgekit] Failed to configure keys: no ${kind} key given. Pass keys.${kind}.`)
    for (const value of values) {
      const problem = keyProblem(kind, value)
      if (problem) throw new Error(`[nudgekit] Failed to configure keys: ${problem}. Use generateKeys() or 'nudgekit serve' without keys to make a pair.`)
      entries.push({ digest: digest(value), kind })
    }
  }
  return {
    identify(key) {
      const presented = digest(key)
      let found: KeyKind | undefined
      // Compare against every key without stopping early: the time taken does not say which one matched.
      for (const entry of entries) {
        if (timingSafeEqual(presented, entry.digest)) found = entry.kind
      }
      return found
    },
  }
}

/**
 * A key's fingerprint: the first 16 hex digits of its SHA-256. Stored with events as their dedupe namespace and
 * used to tell keys apart in memory, so no key is written anywhere.
 * @example keyFingerprint('pk_live_0123456789abcdef') // 16 hex digits
 */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

/**
 * A fresh publishable/secret key pair (24 random bytes each, base64url).
 * @example const { publishable, secret } = generateKeys() // pk_…, sk_…
 */
export function generateKeys(): { publishable: string; secret: string } {
  return {
    publishable: 'pk_' + randomBytes(24).toString('base64url'),
    secret: 'sk_' + randomBytes(24).toString('base64url'),
  }
}
