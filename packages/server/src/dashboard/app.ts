// The analysts' dashboard as a Hono sub-app: cookie login, the stats page, its CSV and stylesheet.
import { Hono, type Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { buildStats, parseStatsQuery } from '../stats/build.ts'
import { csvDownloadHeaders, toCsv } from '../stats/csv.ts'
import { formatDay } from '../stats/days.ts'
import type { DailyPoint, ForecastRow, StatsFilter, TriggerAggregate } from '../stats/types.ts'
import type { ConnectionInfo } from '../http/env.ts'
import { jsonLinesLogger, type Logger } from '../logger.ts'
import { StoreUnavailableError } from '../store/types.ts'
import { forecastWindows } from '../forecast.ts'
import { createFormatters } from './format.ts'
import { renderDashboard, renderLogin } from './page.ts'
import { EmptyRenderError } from './render.ts'
import { createSessions, SESSION_COOKIE, SESSION_TTL_MS } from './session.ts'
import { DASHBOARD_CSS } from './styles.ts'

/** What the dashboard reads; a `Store` fits as it is. */
export interface DashboardData {
  aggregates(filter: StatsFilter): Promise<TriggerAggregate[]>
  daily(filter: StatsFilter): Promise<DailyPoint[]>
}

export interface DashboardOptions {
  store: DashboardData
  /** The server's secret key(s); the login form accepts any of them. */
  secretKey: string | readonly string[]
  /** The rules being served now: trigger ids for the filter, locale and currency for numbers, the forecast's window. */
  getRules: () => Pick<CompiledRules, 'triggers' | 'defaults' | 'attribution'>
  /** Expected expansion MRR per trigger; the page shows a forecast table when given. */
  forecast?: () => Promise<ForecastRow[]>
  /**
   * Behind one reverse proxy you run: take this host and scheme from the right-most `X-Forwarded-Host` and
   * `X-Forwarded-Proto` entries (what the proxy set or appended) for the sign-in origin check and the
   * cookie's `Secure` flag. Off (the default), those headers are ignored and the request's own URL counts,
   * since any client can send them. The handler passes its `limits.trustProxy`.
   */
  trustProxy?: boolean
  /** Where a page that rendered to nothing is reported (the handler's logger); JSON lines on stdout by default. */
  logger?: Pick<Logger, 'error'>
  now?: () => number
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
}

/**
 * The dashboard, to mount at `/dashboard`. Without a session `GET /dashboard` shows a login form;
 * `POST /dashboard/login` with the secret key sets an `HttpOnly; SameSite=Strict` session cookie
 * (`Secure` over https) and `POST /dashboard/logout` clears it. Both POSTs must come from the
 * dashboard's own origin (login CSRF). With a session the page shows per trigger × variant
 * acceptance with 95 % intervals, rate bars with whiskers, the funnel, daily series, variant against
 * holdout and the forecast, for a `from`/`to`/`trigger` query; `GET /dashboard/stats.csv` downloads
 * the same stats. Every answer carries a CSP without inline scripts or styles.
 *
 * @example
 * app.route('/dashboard', createDashboard({ store, secretKey: keys.secret, getRules: () => compiled }))
 */
export function createDashboard(options: DashboardOptions): Hono {
  const sessions = createSessions(options.secretKey)
  const now = options.now ?? Date.now
  const trustProxy = options.trustProxy ?? false
  const logger = options.logger ?? jsonLinesLogger()
  const app = new Hono()

  const signedIn = (c: Context) => sessions.verify(getCookie(c, SESSION_COOKIE), now())

  app.use('*', async (c, next) => {
    await next()
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value)
  })

  // A blank 200 would look like a working dashboard with nothing in it: say that the page failed, and log it.
  app.onError((error, c) => {
    if (!(error instanceof EmptyRenderError)) throw error
    logger.error('dashboard page rendered empty', { code: error.code, method: c.req.method, path: c.req.path, error: error.message })
    return c.text(`[nudgekit] Failed to show the dashboard: ${error.message}. Reinstall @nudgekit/server; if it persists, report it with the server's version.`, 500)
  })

  app.get('/app.css', (c) =>
    c.body(DASHBOARD_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  )

  app.get('/', async (c) => {
    const base = baseOf(c, '')
    c.header('Cache-Control', 'no-store')
    const search = new URL(c.req.url).search
    if (!signedIn(c)) return c.html(renderLogin(base, undefined, search ? `${base}${search}` : undefined))
    const rules = options.getRules()
    const format = createFormatters(rules.defaults.locale ?? 'en-US', rules.defaults.currency)
    const params = filledParams(new URL(c.req.url).searchParams)
    const parsed = parseStatsQuery(params, now())
    const query = parsed.ok
      ? { from: formatDay(parsed.filter.from), to: formatDay(parsed.filter.to - 1), trigger: parsed.filter.trigger ?? '' }
      : { from: params.get('from') ?? '', to: params.get('to') ?? '', trigger: params.get('trigger') ?? '' }
    const triggers = rules.triggers.map((trigger) => trigger.id)
    if (!parsed.ok) return c.html(renderDashboard({ base, query, triggers, format, issues: parsed.issues }), 400)
    try {
      const [aggregates, daily, forecast] = await Promise.all([
        options.store.aggregates(parsed.filter),
        options.store.daily(parsed.filter),
        options.forecast?.(),
      ])
      const stats = buildStats(aggregates, parsed.filter)
      const windows = forecast ? forecastWindows(rules, now()) : undefined
      return c.html(
        renderDashboard({
          base, query, triggers, format, stats, daily,
          ...(forecast && windows
            ? { forecast: { rows: forecast, eligibleSince: formatDay(windows.eligibleSince), ratesSince: formatDay(windows.ratesSince) } }
            : {}),
        }),
      )
    } catch (error) {
      if (error instanceof StoreUnavailableError) return unavailable(c)
      throw error
    }
  })

  app.get('/stats.csv', async (c) => {
    c.header('Cache-Control', 'no-store')
    if (!signedIn(c)) return c.text('[nudgekit] Failed to download stats: not signed in. Sign in at the dashboard first.', 401)
    const parsed = parseStatsQuery(filledParams(new URL(c.req.url).searchParams), now())
    if (!parsed.ok) {
      const lines = parsed.issues.map((issue) => `[nudgekit] Failed to download stats: ${issue.message}. ${issue.hint}.`)
      return c.text(lines.join('\n'), 400)
    }
    try {
      const stats = buildStats(await options.store.aggregates(parsed.filter), parsed.filter)
      return c.body(toCsv(stats), 200, csvDownloadHeaders(stats))
    } catch (error) {
      if (error instanceof StoreUnavailableError) return unavailable(c)
      throw error
    }
  })

  app.post('/login', async (c) => {
    const base = baseOf(c, '/login')
    if (!sameOrigin(c.req.raw, trustProxy)) return c.html(renderLogin(base, 'This sign-in did not come from the dashboard page. Open the dashboard and sign in there.'), 403)
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const key = typeof form['key'] === 'string' ? form['key'].trim() : ''
    const next = returnPath(base, form['next'])
    if (!sessions.checkKey(key)) {
      return c.html(renderLogin(base, 'That is not the secret key of this server. Check the key and try again.', next), 401)
    }
    setCookie(c, SESSION_COOKIE, sessions.issue(now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: base,
      secure: isHttps(c.req.raw, trustProxy),
      maxAge: SESSION_TTL_MS / 1000,
    })
    return c.redirect(next ?? base, 303)
  })

  app.post('/logout', (c) => {
    const base = baseOf(c, '/logout')
    if (!sameOrigin(c.req.raw, trustProxy)) return c.text('[nudgekit] Failed to sign out: the request did not come from the dashboard page.', 403)
    deleteCookie(c, SESSION_COOKIE, { path: base, secure: isHttps(c.req.raw, trustProxy), httpOnly: true, sameSite: 'Strict' })
    return c.redirect(base, 303)
  })

  return app
}

/**
 * The path the dashboard is mounted at, as the browser sees it: the request path without the route's own
 * suffix, after the prefix a host stripped before the handler (`basePath` of the connection, see env.ts).
 */
function baseOf(c: Context, suffix: string): string {
  const path = c.req.path
  const own = (suffix ? path.slice(0, path.length - suffix.length) : path).replace(/\/+$/, '')
  return ((c.env as ConnectionInfo | undefined)?.basePath ?? '') + own || '/'
}

/**
 * Where to return after signing in: the dashboard page with its query, and nothing else (an open redirect
 * would let a link sign the user in and send them to any site).
 */
function returnPath(base: string, next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > 2000) return undefined
  const query = next.startsWith(`${base}?`) ? next.slice(base.length + 1) : undefined
  if (query === undefined || /[\s\\#]/.test(query)) return undefined
  return `${base}?${new URLSearchParams(query)}`
}

/** The range form's fields, without the ones left empty (an empty trigger means every trigger). */
function filledParams(search: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams()
  for (const name of ['from', 'to', 'trigger']) {
    const value = search.get(name)?.trim()
    if (value) params.set(name, value)
  }
  return params
}

/**
 * Login CSRF defence on top of SameSite=Strict: the Origin (or, without one, the Referer) must name
 * this host, and a browser's Sec-Fetch-Site must not say cross-site. Behind a trusted proxy the
 * forwarded host counts as this host too.
 */
function sameOrigin(request: Request, trustProxy: boolean): boolean {
  if (request.headers.get('Sec-Fetch-Site') === 'cross-site') return false
  const source = request.headers.get('Origin') ?? request.headers.get('Referer')
  if (!source || source === 'null') return false
  let host: string
  try {
    host = new URL(source).host
  } catch {
    return false
  }
  return host === new URL(request.url).host || (trustProxy && host === proxyHeader(request, 'X-Forwarded-Host'))
}

/** Over https: the request's own URL, or the trusted proxy's X-Forwarded-Proto (a TLS-terminating proxy). */
function isHttps(request: Request, trustProxy: boolean): boolean {
  return new URL(request.url).protocol === 'https:' || (trustProxy && proxyHeader(request, 'X-Forwarded-Proto') === 'https')
}

/** The right-most entry of a forwarded header: the one the single trusted proxy set or appended. */
function proxyHeader(request: Request, name: string): string | undefined {
  return request.headers.get(name)?.split(',').at(-1)?.trim().toLowerCase() || undefined
}

function unavailable(c: Context): Response {
  c.header('Retry-After', '5')
  return c.text('[nudgekit] Failed to read stats: the database is unreachable. Try again in a few seconds.', 503)
}
