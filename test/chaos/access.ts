// Check: what an attacker can reach over HTTP — key scopes, unknown keys, CORS, body and rate limits, SQL
// injection, the dashboard cookie and webhook signatures — against the real handler and a real SQLite store.
import { createServer } from 'node:http'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { createHandler, createRouter, sqlite, verifySignature, SIGNATURE_HEADER, type Handler, type Logger } from '@nudgekit/server'
import { scratchDir } from './processes.ts'
import type { Report } from './report.ts'
import { exampleRules, PUBLISHABLE_KEY, SECRET_KEY } from './server-process.ts'
import { uuidv7 } from './uuid.ts'

const BASE = 'http://127.0.0.1'
const ALLOWED_ORIGIN = 'https://app.acme.example'
const WEBHOOK_SECRET = 'whsec_chaos_suite_secret'
const SQL_INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '"; DROP TABLE conversions; --',
  "1); DELETE FROM events; --",
  "acct' UNION SELECT name, sql FROM sqlite_master --",
  'x\'||(SELECT pg_sleep(5))||\'',
]
const silent: Logger = { info() {}, warn() {}, error() {} }

interface CallOptions {
  key?: string
  headers?: Record<string, string>
  body?: unknown
  /** Send `body` as is (a string), not as JSON. */
  raw?: boolean
}

function caller(handler: Handler) {
  return async (method: string, path: string, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.key) headers.authorization = `Bearer ${options.key}`
    let body: string | undefined
    if (options.body !== undefined) {
      body = options.raw ? String(options.body) : JSON.stringify(options.body)
      headers['content-type'] ??= 'application/json'
    }
    const response = await handler(new Request(BASE + path, { method, headers, ...(body === undefined ? {} : { body }) }), { ip: '127.0.0.1' })
    const text = await response.text()
    return { status: response.status, headers: response.headers, text }
  }
}

const event = (fields: Record<string, unknown>) => ({
  id: uuidv7(),
  type: 'impression',
  ts: Date.now(),
  account: 'acct_access',
  user: 'user_1',
  trigger: 'contacts-80',
  variant: 'control',
  placement: 'banner',
  ...fields,
})

/** A receiver on 127.0.0.1 that keeps the raw body and signature header of every webhook it gets. */
async function webhookReceiver() {
  const received: { body: string; signature: string | undefined }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const signature = req.headers[SIGNATURE_HEADER.toLowerCase()]
      received.push({ body: Buffer.concat(chunks).toString(), signature: Array.isArray(signature) ? signature[0] : signature })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { url: `${BASE}:${port}/hooks`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

/** Every table the migrations created (the store migrates on open), read before any request can touch them. */
function migratedTables(path: string): string[] {
  const database = new DatabaseSync(path, { readOnly: true })
  try {
    const rows = database.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all()
    return rows.map((row) => row.name as string)
  } finally {
    database.close()
  }
}

/** Runs the check; figures go to `report`. */
export default async function access(report: Report): Promise<void> {
  const dir = scratchDir('access')
  const dbPath = join(dir.path, 'access.db')
  const store = sqlite(dbPath, { synchronous: 'normal' })
  const tables = migratedTables(dbPath)
  const receiver = await webhookReceiver()
  const webhooks = createRouter({
    routes: [{ id: 'owner', url: receiver.url, on: ['upgrade_requested'], secret_env: 'CHAOS_WEBHOOK_SECRET' }],
    store,
    env: { CHAOS_WEBHOOK_SECRET: WEBHOOK_SECRET },
    logger: silent,
  })
  const keys = { publishable: PUBLISHABLE_KEY, secret: SECRET_KEY }
  const rules = exampleRules()
  const handler = createHandler({ rules, store, keys, cors: [ALLOWED_ORIGIN], webhooks, limits: { perSecond: 1e9, burst: 1e9 }, logger: silent })
  const call = caller(handler)

  try {
    // A publishable key reaches none of the secret routes.
    const scoped = {
      stats: (await call('GET', '/v1/stats', { key: PUBLISHABLE_KEY })).status,
      'stats.csv': (await call('GET', '/v1/stats.csv', { key: PUBLISHABLE_KEY })).status,
      forecast: (await call('GET', '/v1/forecast', { key: PUBLISHABLE_KEY })).status,
      conversions: (await call('POST', '/v1/conversions', { key: PUBLISHABLE_KEY, body: { id: 'c1', account: 'acct_access', to: 'pro' } })).status,
    }
    const dashboardWithPk = await call('GET', '/dashboard', { key: PUBLISHABLE_KEY })
    const loginWithPk = await handler(
      new Request(`${BASE}/dashboard/login`, {
        method: 'POST',
        headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
        body: `key=${encodeURIComponent(PUBLISHABLE_KEY)}`,
      }),
    )
    const dashboardShowsLogin = dashboardWithPk.text.includes('name="key"') && !dashboardWithPk.text.includes('<table')
    report.figure(
      'publishable key on secret routes',
      `${Object.entries(scoped).map(([route, status]) => `${route} ${status}`).join(', ')}, dashboard ${dashboardShowsLogin ? 'login form only' : 'DATA SHOWN'}, login with pk ${loginWithPk.status}${loginWithPk.headers.get('set-cookie') ? ' WITH A COOKIE' : ''}`,
      Object.values(scoped).every((status) => status === 403) && dashboardShowsLogin && loginWithPk.status === 401 && !loginWithPk.headers.get('set-cookie'),
    )

    // An unknown key gets 401 wherever a key is read.
    const unknown = 'pk_not_a_key_of_this_server'
    const unknownStatuses = [
      (await call('GET', '/v1/rules', { key: unknown })).status,
      (await call('GET', '/v1/state?account=acct_access', { key: unknown })).status,
      (await call('POST', '/v1/events', { key: unknown, body: { events: [event({})] } })).status,
      (await call('POST', '/v1/events', { body: { key: unknown, events: [event({})] }, headers: { 'content-type': 'text/plain' } })).status,
      (await call('GET', '/v1/stats', { key: 'sk_not_a_key_of_this_server' })).status,
      (await call('GET', '/v1/rules')).status,
    ]
    report.figure('unknown or missing key', `answers ${unknownStatuses.join(', ')}`, unknownStatuses.every((status) => status === 401))

    // CORS: a disallowed origin gets no grant, neither on the preflight nor on the request.
    const preflight = (origin: string) =>
      call('OPTIONS', '/v1/events', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } })
    const evilPreflight = await preflight('https://evil.example')
    const evilGet = await call('GET', '/v1/rules', { key: PUBLISHABLE_KEY, headers: { origin: 'https://evil.example' } })
    const goodPreflight = await preflight(ALLOWED_ORIGIN)
    const grants = [evilPreflight, evilGet].map((r) => r.headers.get('access-control-allow-origin')).filter((value) => value !== null)
    report.figure(
      'CORS for a disallowed origin',
      grants.length ? `granted ${grants.join(', ')}` : `no Access-Control-Allow-Origin (allowed origin: ${goodPreflight.headers.get('access-control-allow-origin')})`,
      grants.length === 0 && goodPreflight.headers.get('access-control-allow-origin') === ALLOWED_ORIGIN,
    )

    // 413 over 512 KB, whether or not the client declares the length.
    const big = JSON.stringify({ events: [event({ props: { pad: 'x'.repeat(600 * 1024) } })] })
    const oversized = (await call('POST', '/v1/events', { key: PUBLISHABLE_KEY, body: big, raw: true })).status
    const declared = (await call('POST', '/v1/events', { key: PUBLISHABLE_KEY, body: big, raw: true, headers: { 'content-length': String(big.length), 'content-type': 'application/json' } })).status
    report.figure('oversized body', `600 KB → ${oversized} (chunked), ${declared} (with Content-Length)`, oversized === 413 && declared === 413)

    // 429 with Retry-After past the rate limit (the defaults: 20 a second, bursts of 100).
    const limited = createHandler({ rules, store, keys, logger: silent })
    const callLimited = caller(limited)
    let first429 = 0
    let retryAfter: string | null = null
    for (let i = 1; i <= 300 && !first429; i++) {
      const response = await callLimited('GET', '/v1/rules', { key: PUBLISHABLE_KEY })
      if (response.status === 429) {
        first429 = i
        retryAfter = response.headers.get('retry-after')
      }
    }
    limited.close()
    report.figure(
      'rate limit',
      first429 ? `429 at request ${first429}, Retry-After ${retryAfter} s` : 'no 429 in 300 requests',
      first429 > 0 && Number(retryAfter) > 0,
    )

    // SQL injection in ids, accounts, names and filters: stored verbatim or refused with 400, never run.
    const answers: number[] = []
    for (const text of SQL_INJECTIONS) {
      const batch = [
        event({ account: text, user: text, props: { [text]: text } }),
        // Refused in rejected[] as an unknown trigger or variant, never run.
        event({ trigger: text }),
        event({ variant: text }),
        event({ type: 'track', event: text, trigger: undefined, variant: undefined, placement: undefined, account: text }),
        event({ id: text }),
      ]
      answers.push((await call('POST', '/v1/events', { key: PUBLISHABLE_KEY, body: { events: batch } })).status)
      answers.push((await call('GET', `/v1/state?account=${encodeURIComponent(text)}`, { key: PUBLISHABLE_KEY })).status)
      answers.push((await call('POST', '/v1/conversions', { key: SECRET_KEY, body: { id: text, account: text, to: 'pro', mrr_delta: 10 } })).status)
      answers.push((await call('GET', `/v1/stats.csv?trigger=${encodeURIComponent(text)}`, { key: SECRET_KEY })).status)
      answers.push((await call('GET', `/v1/stats?from=${encodeURIComponent(text)}`, { key: SECRET_KEY })).status)
    }
    const injectedFilter = await call('GET', `/v1/stats?trigger=${encodeURIComponent("' OR '1'='1")}`, { key: SECRET_KEY })
    const filterRows = injectedFilter.status === 200 ? (JSON.parse(injectedFilter.text) as { rows: unknown[] }).rows.length : 0
    const plainRows = (JSON.parse((await call('GET', '/v1/stats', { key: SECRET_KEY })).text) as { rows: unknown[] }).rows.length
    const database = new DatabaseSync(dbPath, { readOnly: true })
    const verbatim = SQL_INJECTIONS.filter(
      (text) =>
        (database.prepare('select count(*) as n from events where account = ? and user_id = ?').get(text, text) as { n: number }).n > 0 &&
        (database.prepare('select count(*) as n from conversions where id = ? and account = ?').get(text, text) as { n: number }).n > 0,
    ).length
    const intact = tables.filter((table) => {
      try {
        database.prepare(`select count(*) from ${table}`).get()
        return true
      } catch {
        return false
      }
    }).length
    const idsStored = (database.prepare('select count(*) as n from events where id in (' + SQL_INJECTIONS.map(() => '?').join(',') + ')').get(...SQL_INJECTIONS) as { n: number }).n
    database.close()
    const harmful = answers.filter((status) => ![200, 201, 202, 400].includes(status)).length
    report.figure(
      'SQL injection',
      `${answers.length} requests (${[...new Set(answers)].sort().join('/')}), ${verbatim}/${SQL_INJECTIONS.length} stored verbatim, ` +
        `malformed ids stored ${idsStored}, filter "' OR '1'='1" matched ${filterRows} of ${plainRows} rows, ${intact}/${tables.length} tables intact`,
      harmful === 0 && verbatim === SQL_INJECTIONS.length && idsStored === 0 && filterRows === 0 && plainRows > 0 &&
        tables.length > 0 && intact === tables.length,
    )

    // The dashboard session cookie: HttpOnly and SameSite=Strict; a cross-site login is refused.
    const login = (origin: string) =>
      handler(
        new Request(`${BASE}/dashboard/login`, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
          body: `key=${encodeURIComponent(SECRET_KEY)}`,
        }),
      )
    const signedIn = await login(BASE)
    const cookie = signedIn.headers.get('set-cookie') ?? ''
    const crossSite = await login('https://evil.example')
    const flags = cookie.split(';').map((part) => part.trim()).filter((part) => /^(HttpOnly|SameSite=.*|Secure|Path=.*)$/i.test(part))
    report.figure(
      'dashboard cookie',
      `${signedIn.status} with ${flags.join('; ') || 'no cookie'}; cross-site login ${crossSite.status}${crossSite.headers.get('set-cookie') ? ' WITH A COOKIE' : ''}`,
      /;\s*HttpOnly/i.test(cookie) && /;\s*SameSite=Strict/i.test(cookie) && crossSite.status === 403 && !crossSite.headers.get('set-cookie'),
    )

    // Webhooks: a real delivery verifies; a tampered body, another secret and a replay a day later do not.
    await call('POST', '/v1/events', { key: PUBLISHABLE_KEY, body: { events: [event({ type: 'upgrade_requested', account: 'acct_hook' })] } })
    await webhooks.idle()
    const [delivered] = receiver.received
    const verdicts = delivered
      ? {
          genuine: verifySignature(delivered.body, delivered.signature, WEBHOOK_SECRET),
          tampered: verifySignature(delivered.body.replace('acct_hook', 'acct_evil'), delivered.signature, WEBHOOK_SECRET),
          'other secret': verifySignature(delivered.body, delivered.signature, 'whsec_someone_else'),
          replayed: verifySignature(delivered.body, delivered.signature, WEBHOOK_SECRET, undefined, Date.now() + 86_400_000),
        }
      : undefined
    report.figure(
      'webhook signatures',
      verdicts ? Object.entries(verdicts).map(([name, ok]) => `${name} ${ok ? 'verifies' : 'fails'}`).join(', ') : 'no webhook delivered',
      !!verdicts && verdicts.genuine && !verdicts.tampered && !verdicts['other secret'] && !verdicts.replayed,
    )
  } finally {
    await handler.close()
    await receiver.close()
    await store.close()
    dir.remove()
  }
}
