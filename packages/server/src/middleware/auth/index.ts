// Key checks: a Bearer key of the right kind, or 401/403 with a JSON error that says what to send.
import type { MiddlewareHandler } from 'hono'
import { errorResponse, isErrorResponse } from '../../http/errors.ts'
import type { AppEnv } from '../../http/env.ts'
import type { KeyKind, Keyring } from '../../keys.ts'

const BEARER = '"Authorization: Bearer <key>"'

/**
 * The key of an `Authorization: Bearer <key>` header, if any (the scheme in any case, spaces around the key).
 * @example bearerKey('bearer  pk_live_abc') // 'pk_live_abc'
 */
export function bearerKey(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Decides whether `key` may call a route that needs `required`: the key's kind, or an error answer
 * (401 missing/unknown key, 403 publishable key on a secret route). A secret key may call every route.
 * `missingHint` is the fix offered when no key was sent (routes that also read a key from the body say so).
 * @example const result = authorize(keyring, bearerKey(header), 'secret')
 */
export function authorize(keyring: Keyring, key: string | undefined, required: KeyKind, missingHint = `Send the key as ${BEARER}.`): KeyKind | Response {
  if (key === undefined || key === '') {
    return errorResponse(401, 'missing_key', 'Failed to authenticate: no API key was sent.', missingHint)
  }
  const kind = keyring.identify(key)
  if (kind === undefined) {
    return errorResponse(401, 'unknown_key', 'Failed to authenticate: the API key is not one of this server\'s keys.',
      'Check the key against the server\'s --publishable-key / --secret-key.')
  }
  if (required === 'secret' && kind === 'publishable') {
    return errorResponse(403, 'secret_key_required', 'Failed to authorize: this route needs the secret key; a publishable key was sent.',
      'Call it from your backend with the sk_ key; never ship the secret key to browsers.')
  }
  return kind
}

/**
 * 401 for an Authorization header that holds no Bearer key, saying why rather than "no key was sent".
 * @example unreadableHeader('Basic dXNlcjpwYXNz') // 401 'the Authorization header does not use the Bearer scheme'
 */
export function unreadableHeader(header: string): Response {
  const reason = /^Bearer(\s|$)/i.test(header) ? 'the Authorization header holds no single key after Bearer'
    : 'the Authorization header does not use the Bearer scheme'
  return errorResponse(401, 'missing_key', `Failed to authenticate: ${reason}.`,
    `Send the key as ${BEARER}; other schemes (Basic, Token) are not read.`)
}

/**
 * Middleware that lets a request through only with a Bearer key of the `required` kind.
 * @example app.get('/v1/stats', requireKey(keyring, 'secret'), handler)
 */
export function requireKey(keyring: Keyring, required: KeyKind): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    const key = bearerKey(header)
    const result = key === undefined && header?.trim() ? unreadableHeader(header) : authorize(keyring, key, required)
    if (isErrorResponse(result)) return result
    c.set('key', key!)
    c.set('keyKind', result)
    await next()
  }
}
