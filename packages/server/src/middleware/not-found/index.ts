// Route misses: 405 with Allow for a known path called with another method, 404 for an unknown path.
import type { NotFoundHandler } from 'hono'
import { errorResponse } from '../../http/errors.ts'

/** What is read of a Hono app: its routes (`app.routes`). */
interface Routed {
  readonly routes: readonly { method: string; path: string }[]
}

/**
 * The methods `app` answers at exactly `path`, from its registered routes (middleware, registered for every
 * method, does not count). HEAD comes with GET, as Hono answers HEAD with the GET route.
 */
function allowedMethods(app: Routed, path: string): string[] {
  const methods = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path !== path) continue
    methods.add(route.method)
    if (route.method === 'GET') methods.add('HEAD')
  }
  return [...methods]
}

/**
 * The not-found handler of `app`: a path `app` routes under other methods gets 405 with an `Allow` header,
 * anything else 404, both in the API's error shape.
 * @example app.notFound(notFound(app))
 */
export function notFound(app: Routed): NotFoundHandler {
  return (c) => {
    const { method, path } = c.req
    const allowed = allowedMethods(app, path)
    if (allowed.length > 0) {
      return errorResponse(405, 'method_not_allowed', `Failed to route ${method} ${path}: the path takes ${allowed.join(', ')}.`,
        `Call ${allowed[0]} ${path}.`, { headers: { allow: allowed.join(', ') } })
    }
    return errorResponse(404, 'not_found', `Failed to route ${method} ${path}: no such path.`,
      'See GET /v1/openapi.json for the routes.')
  }
}
