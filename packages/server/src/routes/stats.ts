// GET /v1/stats, /v1/stats.csv and /v1/forecast (secret key): acceptance by trigger × variant, and the forecast.
import type { Hono } from 'hono'
import { forecastFrom } from '../forecast.ts'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import { errorResponse, isErrorResponse } from '../http/errors.ts'
import { requireKey } from '../middleware/auth/index.ts'
import { buildStats, parseStatsQuery } from '../stats/build.ts'
import { csvDownloadHeaders, toCsv } from '../stats/csv.ts'
import type { StatsResult } from '../stats/types.ts'

/** Registers `GET /v1/stats`, `GET /v1/stats.csv` and `GET /v1/forecast`. */
export function statsRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const stats = async (url: string): Promise<StatsResult | Response> => {
    const parsed = parseStatsQuery(new URL(url).searchParams, deps.now())
    if (!parsed.ok) {
      // Hints are data without a final period (the CLI and the dashboard add theirs); this edge adds its own.
      const issues = parsed.issues.map((issue) => ({ ...issue, hint: `${issue.hint}.` }))
      const [first] = issues
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
      return errorResponse(400, 'invalid_query', `Failed to read the stats query: ${first!.message}${more}.`, first!.hint,
        { issues })
    }
    return buildStats(await deps.store.aggregates(parsed.filter), parsed.filter)
  }

  app.get('/v1/stats', requireKey(deps.keyring, 'secret'), async (c) => {
    const result = await stats(c.req.url)
    return isErrorResponse(result) ? result : c.json(result, 200, { 'cache-control': 'no-store' })
  })

  app.get('/v1/stats.csv', requireKey(deps.keyring, 'secret'), async (c) => {
    const result = await stats(c.req.url)
    if (isErrorResponse(result)) return result
    return c.body(toCsv(result), 200, { ...csvDownloadHeaders(result), 'cache-control': 'no-store' })
  })

  app.get('/v1/forecast', requireKey(deps.keyring, 'secret'), async (c) => {
    const now = deps.now()
    const { eligibleSince, ratesSince, rows } = await forecastFrom(deps.store, deps.rules.current(), now)
    return c.json({
      generated_at: new Date(now).toISOString(),
      eligible_since: new Date(eligibleSince).toISOString(),
      rates_since: new Date(ratesSince).toISOString(),
      expected_mrr: Math.round(rows.reduce((sum, r) => sum + r.expected_mrr, 0) * 100) / 100,
      rows,
    }, 200, { 'cache-control': 'no-store' })
  })
}
