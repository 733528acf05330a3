// GET /dashboard: the analysts' page, loaded on its first request so API-only deployments never pay for it.
import { Hono, type Context } from 'hono'
import { routePath } from 'hono/route'
import { SESSION_COOKIE, createSessions } from '../dashboard/session.ts'
import { forecastFrom } from '../forecast.ts'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import type { KeysOption } from '../keys.ts'
import { bearerKey } from '../middleware/auth/index.ts'
import { notFound } from '../middleware/not-found/index.ts'

/**
 * Registers `/dashboard` and everything under it. The dashboard is mounted at the path it was reached
 * under, so it keeps working when this app is routed under a prefix (`host.route('/nudgekit', handler.app)`).
 * Besides the login form's session cookie, a GET with the secret key as `Authorization: Bearer sk_…` is
 * signed in for that request (no cookie is set); any other key in the header changes nothing, so a
 * publishable key still gets the login form. With `trustProxy` the dashboard takes its host and scheme from
 * the proxy's X-Forwarded-Host/-Proto (see `DashboardOptions.trustProxy`).
 * @example dashboardRoute(app, deps, options.keys.secret, { trustProxy: options.limits?.trustProxy ?? false })
 */
export function dashboardRoute(app: Hono<AppEnv>, deps: RouteDeps, secretKey: KeysOption['secret'], proxy: { trustProxy: boolean }): void {
  const dashboards = new Map<string, Promise<Hono>>()
  const sessions = createSessions(secretKey)
  const toDashboard = async (c: Context<AppEnv>) => {
    const base = routePath(c).replace(/\/dashboard(\/\*)?$/, '')
    let dashboard = dashboards.get(base)
    if (!dashboard) {
      dashboard = import('../dashboard/index.ts').then(({ createDashboard }) => {
        const mounted = new Hono().route(`${base}/dashboard`, createDashboard({
          store: deps.store,
          secretKey,
          getRules: () => deps.rules.current(),
          forecast: async () => (await forecastFrom(deps.store, deps.rules.current(), deps.now())).rows,
          trustProxy: proxy.trustProxy,
          now: deps.now,
          logger: deps.logger,
        }))
        return mounted.notFound(notFound(mounted))
      })
      dashboards.set(base, dashboard)
    }
    return (await dashboard).fetch(await forwarded(c), c.env)
  }
  app.all('/dashboard', toDashboard)
  app.all('/dashboard/*', toDashboard)

  /**
   * The request as the dashboard gets it. A GET signed with the secret key carries a session made for it in
   * place of its cookies (the dashboard reads no other cookie). A POST's body (the sign-in form) is read here,
   * through the handler's body limit, so an oversized form is answered 413 instead of being swallowed by the
   * form parser. Other methods go as they came: the dashboard answers them 405.
   */
  async function forwarded(c: Context<AppEnv>): Promise<Request> {
    const request = c.req.raw
    const { method, url } = request
    if (method === 'POST') return new Request(url, { method, headers: request.headers, body: await c.req.arrayBuffer() })
    if (method !== 'GET' && method !== 'HEAD') return request
    const key = bearerKey(request.headers.get('authorization') ?? undefined)
    if (key === undefined || deps.keyring.identify(key) !== 'secret') return request
    const headers = new Headers(request.headers)
    headers.set('cookie', `${SESSION_COOKIE}=${sessions.issue(deps.now())}`)
    return new Request(url, { method, headers })
  }
}
