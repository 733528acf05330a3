import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { ForecastRow, StatsFilter, TriggerAggregate } from '../stats/types.ts'
import { StoreUnavailableError } from '../store/types.ts'
import { createDashboard, type DashboardData, type DashboardOptions } from './app.ts'

const secretKey = 'sk_test_0123456789abcdef'
const now = Date.UTC(2026, 0, 31, 12)
const origin = 'http://localhost:8787'

const aggregates: TriggerAggregate[] = [
  {
    trigger: 'contacts-80',
    variant: 'a',
    impressions: 340,
    accounts_reached: 70,
    clicks: 41,
    dismissals: 77,
    snoozes: 23,
    upgrade_requests: 5,
    conversions: 56,
    reached_conversions: 56,
    expansion_mrr: 2744,
    days_to_convert: [1, 2, 9],
    holdout_accounts: 80,
    holdout_conversions: 48,
  },
  {
    trigger: '<script>alert(1)</script>',
    variant: 'default',
    impressions: 10,
    accounts_reached: 10,
    clicks: 1,
    dismissals: 0,
    snoozes: 0,
    upgrade_requests: 0,
    conversions: 0,
    reached_conversions: 0,
    expansion_mrr: 0,
    days_to_convert: [],
    holdout_accounts: 0,
    holdout_conversions: 0,
  },
]

function setup(overrides: Partial<DashboardOptions> = {}) {
  const filters: StatsFilter[] = []
  const store: DashboardData = {
    aggregates: async (filter) => {
      filters.push(filter)
      return aggregates
    },
    daily: async () => [
      { day: '2026-01-30', trigger: 'contacts-80', impressions: 200, clicks: 20, conversions: 30 },
      { day: '2026-01-31', trigger: 'contacts-80', impressions: 140, clicks: 21, conversions: 26 },
    ],
  }
  const dashboard = createDashboard({
    store,
    secretKey,
    getRules: () => ({
      triggers: [{ id: 'contacts-80' }, { id: 'seats-cap' }] as never,
      defaults: { currency: 'EUR', locale: 'en-US', buyerRoles: [], nonBuyer: { cta: { label: 'Ask' } } },
      attribution: { windowMs: 14 * 86_400_000 },
    }),
    now: () => now,
    ...overrides,
  })
  const app = new Hono().route('/dashboard', dashboard)
  return { app, filters }
}

async function login(app: Hono): Promise<string> {
  const response = await app.request(`${origin}/dashboard/login`, {
    method: 'POST',
    headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key: secretKey }),
  })
  expect(response.status).toBe(303)
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}

describe('dashboard login', () => {
  it('shows a labelled login form without a session', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard`)
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<label for="key">Secret key</label>')
    expect(html).toMatch(/<input id="key" name="key" type="password"/)
    expect(html).toContain('action="/dashboard/login"')
    expect(html).not.toContain('contacts-80')
  })

  it('sends the CSP and hardening headers on every answer', async () => {
    const { app } = setup()
    for (const path of ['/dashboard', '/dashboard/app.css', '/dashboard/stats.csv']) {
      const response = await app.request(`${origin}${path}`)
      expect(response.headers.get('Content-Security-Policy')).toMatch(/^default-src 'self'; frame-ancestors 'none'/)
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
      expect(response.headers.get('Referrer-Policy')).toBe('same-origin')
    }
  })

  it('sets an HttpOnly, SameSite=Strict session cookie scoped to the dashboard for the right key', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${secretKey}`,
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/dashboard')
    const cookie = response.headers.get('Set-Cookie')!
    expect(cookie).toMatch(/^nudgekit_session=\d+\.[0-9a-f]{64};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/dashboard')
    expect(cookie).not.toContain('Secure')
    expect(cookie).not.toContain(secretKey)
  })

  it('marks the cookie Secure over https', async () => {
    const { app } = setup()
    const direct = await app.request('https://nudge.example.com/dashboard/login', {
      method: 'POST',
      headers: { Origin: 'https://nudge.example.com', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${secretKey}`,
    })
    expect(direct.headers.get('Set-Cookie')).toContain('Secure')
  })

  /** A sign-in as a TLS-terminating proxy passes it on: plain http inside, the browser's host and scheme in headers. */
  const viaProxy = (app: Hono, forwarded: Record<string, string>) =>
    app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Origin: 'https://nudge.example.com', 'Content-Type': 'application/x-www-form-urlencoded', ...forwarded },
      body: `key=${secretKey}`,
    })

  it('with trustProxy, takes the host and https from the proxy, so the cookie is Secure behind a TLS-terminating proxy', async () => {
    const { app } = setup({ trustProxy: true })
    const proxied = await viaProxy(app, { 'X-Forwarded-Host': 'nudge.example.com', 'X-Forwarded-Proto': 'https' })
    expect(proxied.status).toBe(303)
    expect(proxied.headers.get('Set-Cookie')).toContain('Secure')
    // The proxy appends to what the client sent: its own (right-most) entry counts.
    const appended = await viaProxy(app, { 'X-Forwarded-Host': 'evil.example, nudge.example.com', 'X-Forwarded-Proto': 'http, https' })
    expect(appended.status).toBe(303)
    expect(appended.headers.get('Set-Cookie')).toContain('Secure')
    const spoofed = await viaProxy(app, { 'X-Forwarded-Host': 'nudge.example.com, proxy.internal', 'X-Forwarded-Proto': 'https' })
    expect(spoofed.status).toBe(403)
  })

  it('without trustProxy, ignores X-Forwarded-Host and X-Forwarded-Proto, which any client can send', async () => {
    const { app } = setup()
    const forgedHost = await viaProxy(app, { 'X-Forwarded-Host': 'nudge.example.com', 'X-Forwarded-Proto': 'https' })
    expect(forgedHost.status).toBe(403)
    expect(forgedHost.headers.get('Set-Cookie')).toBeNull()
    const plain = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Origin: origin, 'X-Forwarded-Proto': 'https', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${secretKey}`,
    })
    expect(plain.status).toBe(303)
    expect(plain.headers.get('Set-Cookie')).not.toContain('Secure')
  })

  it('answers 401 with the form and an explanation for a wrong key', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'key=sk_wrong_0123456789abcdef',
    })
    expect(response.status).toBe(401)
    expect(response.headers.get('Set-Cookie')).toBeNull()
    const html = await response.text()
    expect(html).toContain('role="alert"')
    // The error takes the focus, so a screen reader and a keyboard user land on it.
    expect(html).toMatch(/<p class="error" role="alert" id="login-error" tabindex="-1" autofocus/)
  })

  it('returns to the requested dashboard URL with its query after signing in, and nowhere else', async () => {
    const { app } = setup()
    const form = await (await app.request(`${origin}/dashboard?from=2026-01-01&trigger=seats-cap`)).text()
    expect(form).toContain('<input type="hidden" name="next" value="/dashboard?from=2026-01-01&amp;trigger=seats-cap"/>')
    const signIn = (next: string) =>
      app.request(`${origin}/dashboard/login`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: secretKey, next }),
      })
    expect((await signIn('/dashboard?from=2026-01-01&trigger=seats-cap')).headers.get('Location')).toBe('/dashboard?from=2026-01-01&trigger=seats-cap')
    for (const next of ['https://evil.example/dashboard?x=1', '//evil.example/dashboard', '/dashboardx?a=1', '/other?from=1', '/dashboard/../x?a=1']) {
      expect((await signIn(next)).headers.get('Location')).toBe('/dashboard')
    }
    const wrong = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: 'sk_wrong', next: '/dashboard?to=2026-01-31' }),
    })
    expect(await wrong.text()).toContain('name="next" value="/dashboard?to=2026-01-31"')
  })

  it.each([
    ['no Origin or Referer', {}],
    ['another origin', { Origin: 'https://evil.example' }],
    ['an opaque origin', { Origin: 'null' }],
    ['a cross-site fetch', { Origin: origin, 'Sec-Fetch-Site': 'cross-site' }],
  ])('refuses a login from %s (login CSRF)', async (_, headers) => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${secretKey}`,
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('Set-Cookie')).toBeNull()
  })

  it('accepts a same-origin Referer when the browser sends no Origin', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/login`, {
      method: 'POST',
      headers: { Referer: `${origin}/dashboard`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `key=${secretKey}`,
    })
    expect(response.status).toBe(303)
  })

  it('signs out by clearing the cookie', async () => {
    const { app } = setup()
    const cookie = await login(app)
    const response = await app.request(`${origin}/dashboard/logout`, { method: 'POST', headers: { Origin: origin, Cookie: cookie } })
    expect(response.status).toBe(303)
    expect(response.headers.get('Set-Cookie')).toMatch(/^nudgekit_session=; Max-Age=0; Path=\/dashboard/)
  })

  it('treats a forged or expired cookie as signed out', async () => {
    const { app } = setup()
    const forged = await app.request(`${origin}/dashboard`, { headers: { Cookie: `nudgekit_session=${now + 1000}.${'a'.repeat(64)}` } })
    expect(await forged.text()).toContain('Secret key')
    const cookie = await login(app)
    const later = setup({ now: () => now + 13 * 3_600_000 })
    const expired = await later.app.request(`${origin}/dashboard`, { headers: { Cookie: cookie } })
    expect(await expired.text()).toContain('Secret key')
  })
})

describe('dashboard page', () => {
  it('renders the table, charts, holdout comparison and links for the last 30 days by default', async () => {
    const { app, filters } = setup()
    const response = await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const html = await response.text()
    expect(filters[0]).toEqual({ from: Date.UTC(2026, 0, 2), to: Date.UTC(2026, 1, 1) })
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('<th scope="col">Trigger</th>')
    expect(html).toContain('<th scope="row">contacts-80</th>')
    // 56/70 = 80.0 % with Wilson [69.2 %, 87.7 %]; lift 0.2 = +20.0 pp, Newcombe [5.2, 33.4] pp; p = 0.008
    expect(html).toContain('80.0%')
    expect(html).toContain('69.2%–87.7%')
    expect(html).toContain('<span class="sub">48 of 80 accounts</span>')
    expect(html).toContain('+20.0 pp')
    expect(html).toContain('+5.2 to +33.4 pp')
    expect(html).toContain('<td class="num">0.008</td>')
    expect(html).toContain('€2,744.00')
    expect(html).toMatch(/<svg class="chart"[^>]*role="img" aria-labelledby="rate-title rate-desc"><title id="rate-title">/)
    expect(html).toContain('Per trigger: impressions, clicks, and converted accounts of those reached')
    expect(html).toContain('Conversions here are counted on the day of the conversion')
    expect(html).toContain('<summary>Numbers per day</summary>')
    expect(html).toContain('<tr><th scope="row">2026-01-30</th><td class="num">200</td><td class="num">20</td><td class="num">30</td></tr>')
    expect(html).toContain('<th scope="col" class="num" abbr="Median days to convert" title="Median days to convert">Median days</th>')
    expect(html).toContain('>2.0</td>')
    expect(html).toContain('Daily series of contacts-80, 2026-01-02 to 2026-01-31')
    expect(html).toContain('href="/dashboard/stats.csv?from=2026-01-02&amp;to=2026-01-31"')
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/app.css"/>')
    expect(html).toContain('<option value="seats-cap">seats-cap</option>')
  })

  it('escapes ids from the data and has no inline script or style', async () => {
    const { app } = setup()
    const html = await (await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })).text()
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;script>alert(1)&lt;/script>')
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).not.toContain('<style')
  })

  it('applies the date range and trigger from the form, treating an empty trigger as all', async () => {
    const { app, filters } = setup()
    const cookie = await login(app)
    await app.request(`${origin}/dashboard?from=2026-01-01&to=2026-01-15&trigger=contacts-80`, { headers: { Cookie: cookie } })
    await app.request(`${origin}/dashboard?from=2026-01-01&to=2026-01-15&trigger=`, { headers: { Cookie: cookie } })
    expect(filters).toEqual([
      { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 16), trigger: 'contacts-80' },
      { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 16) },
    ])
  })

  it('answers 400 with the problem and keeps the form filled for a bad range', async () => {
    const { app, filters } = setup()
    const response = await app.request(`${origin}/dashboard?from=2026-02-01&to=2026-01-01`, { headers: { Cookie: await login(app) } })
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('The From date (2026-02-01) is after the To date (2026-01-01). Pick a From date on or before the To date, or swap them.')
    expect(html).not.toContain('pass a from date')
    expect(html).toContain('<input id="from" name="from" type="date" value="2026-02-01" aria-invalid="true" aria-describedby="range-issues"/>')
    expect(html).toContain('<input id="to" name="to" type="date" value="2026-01-01" aria-invalid="true" aria-describedby="range-issues"/>')
    expect(html).toContain('id="range-issues"')
    expect(filters).toEqual([])
  })

  it('names a trigger filter in the heading and the empty state, and keeps one the rules lack selected', async () => {
    const { app } = setup({ store: { aggregates: async () => [], daily: async () => [] } })
    const html = await (await app.request(`${origin}/dashboard?trigger=nope`, { headers: { Cookie: await login(app) } })).text()
    expect(html).toContain('<h1>Acceptance of trigger nope</h1>')
    expect(html).toContain('No prompt of trigger nope was shown in this range. The rules served now have no trigger nope')
    expect(html).toContain('<option value="nope" selected>nope (not in the rules)</option>')
    expect(html).not.toMatch(/<option value="" selected/)
  })

  it('marks a significant negative lift as a warning in words, and calls the rest by the interval, not the p-value', async () => {
    const base = { impressions: 0, clicks: 0, dismissals: 0, snoozes: 0, upgrade_requests: 0, expansion_mrr: 0, days_to_convert: [] }
    const rows: TriggerAggregate[] = [
      // 60/2000 vs 25/220: lift −8.4 pp, interval below 0.
      { ...base, trigger: 't', variant: 'lower', accounts_reached: 2000, conversions: 60, reached_conversions: 60, holdout_accounts: 220, holdout_conversions: 25 },
      // 99/100 vs 9/10: p = 0.042 but the interval includes 0.
      { ...base, trigger: 'u', variant: 'unclear', accounts_reached: 100, conversions: 99, reached_conversions: 99, holdout_accounts: 10, holdout_conversions: 9 },
      // 36/50 vs 4/10: p = 0.050 but the interval excludes 0.
      { ...base, trigger: 'v', variant: 'higher', accounts_reached: 50, conversions: 36, reached_conversions: 36, holdout_accounts: 10, holdout_conversions: 4 },
    ]
    const { app } = setup({ store: { aggregates: async () => rows, daily: async () => [] } })
    const html = await (await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })).text()
    const holdout = html.slice(html.indexOf('<caption>Variant against holdout'))
    const line = (variant: string) => holdout.split('</tr>').find((tr) => tr.includes(`<td>${variant}</td>`))!
    expect(line('lower')).toContain('<tr class="lift-lower">')
    expect(line('lower')).toContain('<td class="verdict">lower than holdout</td>')
    expect(line('lower')).toContain('\u22128.4 pp')
    expect(line('unclear')).not.toContain('class="lift-')
    expect(line('unclear')).toContain('<td class="verdict">not yet clear</td>')
    expect(line('higher')).toContain('<tr class="lift-higher">')
    expect(line('higher')).toContain('<td class="verdict">higher than holdout</td>')
    expect(html).not.toContain('significant')
  })

  it('shows a dash, not 0.0 %, for a row that reached no account', async () => {
    const base = { impressions: 3, clicks: 0, dismissals: 0, snoozes: 0, upgrade_requests: 0, expansion_mrr: 0, days_to_convert: [] }
    const rows: TriggerAggregate[] = [{ ...base, trigger: 't', variant: 'a', accounts_reached: 0, conversions: 0, reached_conversions: 0, holdout_accounts: 0, holdout_conversions: 0 }]
    const { app } = setup({ store: { aggregates: async () => rows, daily: async () => [] } })
    const html = await (await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })).text()
    expect(html).toContain('<td class="num">–<span class="sub">none reached</span></td>')
    expect(html).not.toContain('0.0%–100.0%')
  })

  it('shows the forecast table when a forecast is configured', async () => {
    const forecast: ForecastRow[] = [{ trigger: 'contacts-80', eligible_accounts: 120, conversion_rate: 0.1, mrr_delta: 49, expected_mrr: 588 }]
    const { app } = setup({ forecast: async () => forecast })
    const html = await (await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })).text()
    expect(html).toContain('Forecast from accounts eligible now')
    expect(html).toContain('€588.00')
    // now = 2026-01-31 12:00: eligible within the 14-day window, rates over 90 whole days before today.
    expect(html).toContain('accounts eligible since 2026-01-17 (one attribution window)')
    expect(html).toContain('accounts reached since 2025-11-02 (90 days)')
  })

  it('applies the trigger filter to the forecast', async () => {
    const forecast: ForecastRow[] = [
      { trigger: 'contacts-80', eligible_accounts: 120, conversion_rate: 0.1, mrr_delta: 49, expected_mrr: 588 },
      { trigger: 'seats-cap', eligible_accounts: 7, conversion_rate: 0.5, mrr_delta: 10, expected_mrr: 35 },
    ]
    const { app } = setup({ forecast: async () => forecast })
    const html = await (await app.request(`${origin}/dashboard?trigger=seats-cap`, { headers: { Cookie: await login(app) } })).text()
    const table = html.slice(html.indexOf('Forecast from accounts eligible now'))
    expect(table).toContain('€35.00')
    expect(table).not.toContain('€588.00')
  })

  it('answers 503 with Retry-After when the store is unreachable', async () => {
    const { app } = setup({
      store: {
        aggregates: async () => {
          throw new StoreUnavailableError('connection refused')
        },
        daily: async () => [],
      },
    })
    const response = await app.request(`${origin}/dashboard`, { headers: { Cookie: await login(app) } })
    expect(response.status).toBe(503)
    expect(response.headers.get('Retry-After')).toBe('5')
  })
})

describe('dashboard CSV and stylesheet', () => {
  it('downloads the stats as CSV with the session cookie', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/stats.csv?from=2026-01-01&to=2026-01-31`, {
      headers: { Cookie: await login(app) },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="nudgekit-stats-2026-01-01-to-2026-01-31.csv"')
    const lines = (await response.text()).split('\r\n')
    expect(lines[0]).toMatch(/^from,to,trigger,variant,/)
    expect(lines[2]).toMatch(/^2026-01-01,2026-01-31,contacts-80,a,340,70,/)
  })

  it('refuses the CSV without a session and explains a bad range', async () => {
    const { app } = setup()
    expect((await app.request(`${origin}/dashboard/stats.csv`)).status).toBe(401)
    const bad = await app.request(`${origin}/dashboard/stats.csv?from=yesterday`, { headers: { Cookie: await login(app) } })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toBe(
      "[nudgekit] Failed to download stats: from 'yesterday' is not a calendar date in the form YYYY-MM-DD. Use a UTC day such as 2026-01-31.",
    )
  })

  it('serves the stylesheet with light and dark schemes', async () => {
    const { app } = setup()
    const response = await app.request(`${origin}/dashboard/app.css`)
    expect(response.headers.get('Content-Type')).toBe('text/css; charset=utf-8')
    expect(await response.text()).toContain('@media (prefers-color-scheme: dark)')
  })
})
