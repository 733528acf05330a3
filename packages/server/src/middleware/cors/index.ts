// CORS: the allowed origins, checked and normalised once, then granted with hono/cors.
import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

/** An origin as a browser sends it in `Origin`, or why a configured value can never equal one. */
export type OriginCheck = { ok: true; origin: string } | { ok: false; problem: string }

/** What to pass instead of a value `parseOrigin` refused. */
export const ORIGIN_FIX = 'Pass each origin as scheme://host[:port], e.g. https://app.example.com (wildcards are not supported: list each origin)'

/**
 * Checks one allowed origin and normalises it to what a browser's `Origin` header carries: a trailing slash
 * dropped, scheme and host lower-cased, a default port dropped. Refuses `*` and other wildcards (an allowlist
 * is matched exactly) and anything that is not `scheme://host[:port]`: no scheme, a path, a query, credentials.
 * @example parseOrigin('https://App.example.com/') // { ok: true, origin: 'https://app.example.com' }
 * @example parseOrigin('app.example.com') // { ok: false, problem: "'app.example.com' is not an origin: it has no scheme" }
 */
export function parseOrigin(value: string): OriginCheck {
  const text = value.trim()
  if (text.includes('*')) return { ok: false, problem: `'${text}' is a wildcard, which is not supported` }
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) return { ok: false, problem: `'${text}' is not an origin: it has no scheme` }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { ok: false, problem: `'${text}' is not an origin: it does not parse as a URL` }
  }
  if (!url.host) return { ok: false, problem: `'${text}' is not an origin: it has no host` }
  const rest = text.slice(text.indexOf('//') + 2)
  if (url.username || url.password || rest.includes('@')) return { ok: false, problem: `'${text}' is not an origin: it has credentials` }
  if (url.pathname.replace(/^\/$/, '') !== '' || /[?#]/.test(rest)) {
    return { ok: false, problem: `'${text}' is not an origin: it has a path, query or fragment` }
  }
  return { ok: true, origin: `${url.protocol}//${url.host}` }
}

/**
 * Grants the browser calls of the allowed origins (checked with `parseOrigin`), including on errors, and
 * nothing to other origins. Throws an `Error` with the `[nudgekit]` prefix for a value that is not an origin.
 * @example app.use(allowOrigins(['https://app.example.com']))
 */
export function allowOrigins(values: readonly string[]): MiddlewareHandler {
  const origins = values.map((value) => {
    const checked = parseOrigin(value)
    if (!checked.ok) throw new Error(`[nudgekit] Failed to configure CORS: ${checked.problem}. ${ORIGIN_FIX}.`)
    return checked.origin
  })
  return cors({
    origin: [...new Set(origins)],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['authorization', 'content-type', 'if-none-match', 'x-request-id'],
    exposeHeaders: ['etag', 'retry-after', 'x-request-id'],
    maxAge: 600,
  })
}
