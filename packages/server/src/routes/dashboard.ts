// GET /dashboard: the analysts' page, loaded on its first request so API-only deployments never pay for it.
import { Hono, type Context } from 'hono'
import { routePath } from 'hono/route'
import { forecastFrom } from '../forecast.ts'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import type { KeysOption } from '../keys.ts'

/**
 * Registers `/dashboard` and everything under it. The dashboard is mounted at the path it was reached
 * under, so it keeps working when this app is routed under a prefix (`host.route('/nudgekit', handler.app)`).
 */
export function dashboardRoute(app: Hono<AppEnv>, deps: RouteDeps, secretKey: KeysOption['secret']): void {
  const dashboards = new Map<string, Promise<Hono>>()
  const toDashboard = async (c: Context<AppEnv>) => {
    const base = routePath(c).replace(/\/dashboard(\/\*)?$/, '')
    let dashboard = dashboards.get(base)
    if (!dashboard) {
      dashboard = import('../dashboard/index.ts').then(({ createDashboard }) =>
        new Hono().route(`${base}/dashboard`, createDashboard({
          store: deps.store,
          secretKey,
          getRules: () => deps.rules.current(),
          forecast: async () => (await forecastFrom(deps.store, deps.rules.current(), deps.now())).rows,
          now: deps.now,
        })),
      )
      dashboards.set(base, dashboard)
    }
    return (await dashboard).fetch(c.req.raw, c.env)
  }
  app.all('/dashboard', toDashboard)
  app.all('/dashboard/*', toDashboard)
}
