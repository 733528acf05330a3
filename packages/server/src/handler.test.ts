import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHandler, type Handler, type HandlerOptions } from './handler.ts'
import { jsonLinesLogger } from './logger.ts'
import { makeEvent, uuidv7 } from './store/fixtures.ts'
import { sqlite } from './store/sqlite.ts'
import { StoreUnavailableError, type Store } from './store/types.ts'
import { compileRules } from './test-support/rules.ts'
import { createRouter } from './webhooks/router.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'
const NOW = Date.UTC(2026, 5, 15, 12)
const DAY = 86_400_000
const BASE = 'https://api.example.com'
const rules = compileRules()

let store: Store
let handler: Handler
let logs: Record<string, unknown>[]

function setup(overrides: Partial<HandlerOptions> = {}): Handler {
  logs = []
  return createHandler({
    rules,
    store,
    keys: { publishable: PK, secret: SK },
    logger: jsonLinesLogger((line) => logs.push(JSON.parse(line))),
    now: () => NOW,
    ...overrides,
  })
}

function request(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const { key, ...rest } = init
  const headers = new Headers(rest.headers)
  if (key) headers.set('authorization', `Bearer ${key}`)
  return handler(new Request(BASE + path, { ...rest, headers }))
}

const postJson = (path: string, body: unknown, key = PK) =>
  request(path, { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeEach(() => {
  store = sqlite(':memory:')
  handler = setup()
})
afterEach(async () => {
  handler.close()
  await store.close()
})

describe('GET /v1/rules', () => {
  it('serves the compiled rules with an ETag and answers 304 when it matches', async () => {
    const response = await request('/v1/rules', { key: PK })
    expect(response.status).toBe(200)
    const etag = response.headers.get('etag')
    expect(etag).toBe(`"${rules.hash}"`)
    expect(await response.json()).toMatchObject({ hash: rules.hash, triggers: [{ id: 'contacts-80' }, { id: 'segmentation-gate' }] })
    const again = await request('/v1/rules', { key: PK, headers: { 'if-none-match': `W/"other", ${etag}` } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })
})

describe('POST /v1/events', () => {
  const impression = (overrides = {}) =>
    makeEvent({ type: 'impression', ts: NOW - 1000, trigger: 'contacts-80', variant: 'a', ...overrides })

  it('answers 202 after commit, keeps valid events, rejects each invalid one with its index and issues', async () => {
    const good = impression()
    const response = await postJson('/v1/events', {
      events: [
        good,
        { ...impression(), id: 'not-a-uuid' },
        { ...impression(), type: 'teleport' },
        { ...impression(), ts: NOW - 31 * DAY },
        { ...impression(), ts: NOW + 2 * DAY },
        { ...impression(), trigger: undefined },
        { ...impression(), props: { blob: 'x'.repeat(9000) } },
        good,
      ],
    })
    expect(response.status).toBe(202)
    const body = await response.json()
    expect(body.accepted).toBe(1)
    expect(body.duplicates).toBe(1)
    expect(body.rejected.map((r: { index: number; issues: { code: string; path: string }[] }) => [r.index, r.issues[0]!.code, r.issues[0]!.path])).toEqual([
      [1, 'invalid_format', 'events.1.id'],
      [2, 'invalid_value', 'events.2.type'],
      [3, 'ts_out_of_range', 'events.3.ts'],
      [4, 'ts_out_of_range', 'events.4.ts'],
      [5, 'missing_field', 'events.5.trigger'],
      [6, 'too_big', 'events.6'],
    ])
    const [row] = await store.aggregates({ from: NOW - DAY, to: NOW + DAY })
    expect(row).toMatchObject({ trigger: 'contacts-80', variant: 'a', impressions: 1 })
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'events rejected', rejected: 6, first: 'events.1.id: id must be a UUIDv7, e.g. 0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b' }))
  })

  it('counts an id seen before as a duplicate, so retries never double-count', async () => {
    const events = [impression(), impression()]
    expect(await (await postJson('/v1/events', { events })).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] })
    expect(await (await postJson('/v1/events', { events })).json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] })
  })

  it('accepts the sendBeacon form: text/plain JSON with the publishable key in the body', async () => {
    const response = await request('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ key: PK, events: [impression()] }),
    })
    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({ accepted: 1 })
  })

  it('answers 401 for a beacon body without a key or with an unknown one', async () => {
    const beacon = (body: unknown) => request('/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) })
    expect((await beacon({ events: [impression()] })).status).toBe(401)
    expect((await beacon({ key: 'pk_test_unknown_key_000', events: [impression()] })).status).toBe(401)
  })

  it('refuses events of a trigger, or a variant of it, that the served rules never had, and keeps the rest', async () => {
    const response = await postJson('/v1/events', { events: [
      impression({ trigger: 'contacts-8O' }),
      impression({ variant: 'c' }),
      impression({ variant: 'b' }),
      impression({ type: 'holdout', variant: 'holdout' }),
      makeEvent({ type: 'gate_hit', ts: NOW - 1000, feature: 'segmentation' }),
      // A prompt shown without its arm would count in the 'default' arm, which this experiment does not have.
      impression({ variant: undefined }),
      impression({ type: 'holdout', variant: undefined }),
      impression({ type: 'eligible', variant: undefined }),
      impression({ type: 'upgrade_requested', variant: undefined }),
      impression({ type: 'eligible', variant: 'holdout' }),
      makeEvent({ type: 'eligible', ts: NOW - 1000, trigger: 'segmentation-gate' }),
    ] })
    expect(response.status).toBe(202)
    const body = await response.json()
    expect(body.accepted).toBe(6)
    // The arms listed are those the event could name: the holdout only for eligible (and holdout) events.
    const missing = "variant is missing, and trigger 'contacts-80' runs an experiment: a, b"
    expect(body.rejected).toMatchObject([
      { index: 0, issues: [{ code: 'unknown_trigger', path: 'events.0.trigger' }] },
      { index: 1, issues: [{ code: 'unknown_variant', path: 'events.1.variant', message: "variant 'c' is not one of trigger 'contacts-80': a, b" }] },
      { index: 5, issues: [{ code: 'unknown_variant', path: 'events.5.variant', message: missing }] },
      { index: 7, issues: [{ code: 'unknown_variant', path: 'events.7.variant', message: `${missing}, holdout` }] },
      { index: 8, issues: [{ code: 'unknown_variant', path: 'events.8.variant', message: missing }] },
    ])
    expect(body.rejected[2].issues[0].hint).toBe("Send the account's arm as the SDK does: prompt.variant (the experiment's variant name, 'default' without one), or 'holdout' on a held-out account's eligible event.")
  })

  it('refuses holdout exposures of a trigger whose rules hold no account out, so they take no credit and make no lift', async () => {
    const gate = (type: 'holdout' | 'eligible' | 'impression', variant?: string) =>
      makeEvent({ type, ts: NOW - 1000, trigger: 'segmentation-gate', account: 'forger', ...(variant ? { variant } : {}) })
    const response = await postJson('/v1/events', { events: [gate('holdout'), gate('holdout', 'holdout'), gate('eligible', 'holdout'), gate('impression')] })
    const body = await response.json()
    expect(body.accepted).toBe(1)
    const message = "trigger 'segmentation-gate' has no holdout in the rules this server serves, only: default"
    expect(body.rejected).toEqual([0, 1, 2].map((index) => ({
      index,
      error: `events.${index}.${index === 0 ? 'type' : 'variant'}: ${message}`,
      issues: [{ code: 'unknown_variant', path: `events.${index}.${index === 0 ? 'type' : 'variant'}`, message,
        hint: "Send 'holdout' events, and the 'holdout' variant, only for accounts the SDK held out of an experiment with a holdout." }],
    })))
    // The shown prompt takes the credit; no holdout row, rate or lift comes of the forged exposures.
    const conversion = await postJson('/v1/conversions', { id: 'inv_1', account: 'forger', to: 'pro', ts: NOW }, SK)
    expect(await conversion.json()).toMatchObject({ credited: { trigger: 'segmentation-gate', variant: 'default' } })
    const stats = await (await request('/v1/stats?from=2026-06-15&to=2026-06-15', { key: SK })).json()
    expect(stats.rows).toEqual([expect.objectContaining({ trigger: 'segmentation-gate', variant: 'default', holdout_accounts: 0, holdout_rate: null, lift: null })])
  })

  it('checks a header key before the body, and says where a key may go when none was sent', async () => {
    const post = (headers: Record<string, string>, body: string) => request('/v1/events', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    const wrongKey = await post({ authorization: 'Bearer pk_test_unknown_key_000' }, '{not json')
    expect(wrongKey.status).toBe(401)
    expect(await wrongKey.json()).toMatchObject({ error: { code: 'unknown_key' } })
    const unsupported = await request('/v1/events', { method: 'POST', key: 'pk_test_unknown_key_000', headers: { 'content-type': 'application/xml' }, body: '<e/>' })
    expect(unsupported.status).toBe(401)
    const none = await post({}, JSON.stringify({ events: [impression()] }))
    expect(none.status).toBe(401)
    expect((await none.json()).error.hint).toContain('"key" in the JSON body')
    const basic = await post({ authorization: 'Basic dXNlcjpwYXNz' }, JSON.stringify({ events: [impression()] }))
    expect(basic.status).toBe(401)
    expect((await basic.json()).error.message).toContain('does not use the Bearer scheme')
    // A beacon's body key still works next to a header that holds no Bearer key.
    expect((await post({ authorization: 'Basic dXNlcjpwYXNz' }, JSON.stringify({ key: PK, events: [impression()] }))).status).toBe(202)
  })

  it('answers 400 with structured issues for a malformed batch, and for JSON that does not parse', async () => {
    const tooMany = await postJson('/v1/events', { events: Array.from({ length: 501 }, () => impression()) })
    expect(tooMany.status).toBe(400)
    expect(await tooMany.json()).toMatchObject({ error: { code: 'invalid_batch', issues: [{ code: 'too_big', path: 'events' }] } })
    const notJson = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/json' }, body: '{"events": [' })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { code: 'invalid_json' } })
    const wrongType = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/xml' }, body: '<a/>' })
    expect(wrongType.status).toBe(415)
  })

  it('answers 413 for a body over 512 KB', async () => {
    const response = await postJson('/v1/events', { events: [impression()], pad: 'x'.repeat(513 * 1024) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: { code: 'body_too_large' } })
  })

  it('passes newly stored events to the webhooks router, not duplicates', async () => {
    const seen: string[][] = []
    handler.close()
    handler = setup({ webhooks: {
      deliveriesFor: (events) => (seen.push(events.map((e) => e.id)), []),
      wake() {},
      start() {},
      idle: async () => {},
      close: async () => {},
    } })
    const event = makeEvent({ type: 'upgrade_requested', ts: NOW, trigger: 'contacts-80', variant: 'a' })
    await postJson('/v1/events', { events: [event] })
    await postJson('/v1/events', { events: [event] })
    expect(seen).toEqual([[event.id]])
  })

  it("answers 202 once a routed event's webhook is in the outbox, and enqueues nothing for a retried batch", async () => {
    handler.close()
    const router = createRouter({
      routes: [{ id: 'sales', url: 'https://crm.example.com/hooks', on: ['upgrade_requested'] }],
      store,
      now: () => NOW,
      logger: { info() {}, error() {} },
    })
    // No worker runs: whatever the outbox holds after the 202 was written by the request itself.
    handler = setup({ webhooks: { ...router, start() {}, wake() {} } })
    const event = makeEvent({ type: 'upgrade_requested', ts: NOW, trigger: 'contacts-80', variant: 'a' })
    const response = await postJson('/v1/events', { events: [event] })
    expect(response.status).toBe(202)
    const lease = { routes: ['sales'], owner: 'test', now: NOW, leaseMs: 60_000, limit: 10, maxAttempts: 6 }
    expect((await store.leaseWebhooks(lease)).leased.map((w) => w.id)).toEqual([`sales:${event.id}`])
    const retried = await postJson('/v1/events', { events: [event] })
    expect(await retried.json()).toMatchObject({ accepted: 0, duplicates: 1 })
    expect(await store.webhookCounts(NOW)).toEqual({ pending: 1, leased: 1, dead: 0 })
  })

  it('answers 503 and stores nothing when the routed webhooks cannot be built', async () => {
    handler.close()
    handler = setup({ webhooks: {
      deliveriesFor: () => {
        throw new Error('no payload')
      },
      wake() {},
      start() {},
      idle: async () => {},
      close: async () => {},
    } })
    const event = makeEvent({ type: 'upgrade_requested', ts: NOW, trigger: 'contacts-80', variant: 'a' })
    expect((await postJson('/v1/events', { events: [event] })).status).toBe(503)
    expect(await store.aggregates({ from: NOW - DAY, to: NOW + DAY })).toEqual([])
  })
})

describe('GET /v1/state', () => {
  it("returns the account's state per trigger in the SDK's terms, snooze computed from the rules", async () => {
    await postJson('/v1/events', { events: [
      makeEvent({ type: 'impression', ts: NOW - 5000, trigger: 'contacts-80', variant: 'a', account: 'acme' }),
      makeEvent({ type: 'dismiss', ts: NOW - 4000, trigger: 'contacts-80', variant: 'a', account: 'acme', user: 'other' }),
    ] })
    const response = await request('/v1/state?account=acme', { key: PK })
    expect(await response.json()).toEqual({
      account: 'acme',
      triggers: { 'contacts-80': { impressions: 1, lastShownAt: NOW - 5000, dismissedAt: NOW - 4000, snoozedUntil: NOW - 4000 + 7 * DAY } },
    })
  })

  it('snoozes for one day after a snooze of a trigger without snooze_on_dismiss, and not after a dismissal', async () => {
    await postJson('/v1/events', { events: [
      makeEvent({ type: 'snooze', ts: NOW - 3000, trigger: 'segmentation-gate', account: 'acme' }),
      makeEvent({ type: 'dismiss', ts: NOW - 2000, trigger: 'segmentation-gate', account: 'other' }),
    ] })
    const acme = await (await request('/v1/state?account=acme', { key: PK })).json()
    expect(acme.triggers['segmentation-gate']).toEqual({ impressions: 0, snoozedUntil: NOW - 3000 + DAY })
    const other = await (await request('/v1/state?account=other', { key: PK })).json()
    expect(other.triggers['segmentation-gate']).toEqual({ impressions: 0, dismissedAt: NOW - 2000 })
  })

  it('answers 400 without an account', async () => {
    const response = await request('/v1/state', { key: PK })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_query', issues: [{ path: 'account' }] } })
  })
})

describe('POST /v1/conversions', () => {
  it('credits the last exposure, defaults mrr_delta from plan prices, and is idempotent by id', async () => {
    await postJson('/v1/events', { events: [makeEvent({ type: 'impression', ts: NOW - DAY, trigger: 'contacts-80', variant: 'b', account: 'acme' })] })
    const first = await postJson('/v1/conversions', { id: 'evt_1', account: 'acme', to: 'pro' }, SK)
    expect(first.status).toBe(201)
    expect(await first.json()).toEqual({
      id: 'evt_1', account: 'acme', to: 'pro', mrr_delta: 49, ts: new Date(NOW).toISOString(),
      credited: { trigger: 'contacts-80', variant: 'b', exposed_at: new Date(NOW - DAY).toISOString() }, duplicate: false,
    })
    const replay = await postJson('/v1/conversions', { id: 'evt_1', account: 'acme', to: 'pro' }, SK)
    expect(replay.status).toBe(200)
    expect(await replay.json()).toMatchObject({ duplicate: true, credited: { trigger: 'contacts-80' } })
  })

  it('answers 400 for an unknown target without mrr_delta, and accepts it with one', async () => {
    const unknown = await postJson('/v1/conversions', { id: 'x1', account: 'a', to: 'platinum' }, SK)
    expect(unknown.status).toBe(400)
    expect(await unknown.json()).toMatchObject({ error: { issues: [{ code: 'unknown_target', path: 'to' }] } })
    const valued = await postJson('/v1/conversions', { id: 'x2', account: 'a', to: 'platinum', mrr_delta: 300, ts: '2026-06-14T00:00:00Z' }, SK)
    expect(valued.status).toBe(201)
    expect(await valued.json()).toMatchObject({ mrr_delta: 300, credited: null, ts: '2026-06-14T00:00:00.000Z' })
  })
})

describe('key separation', () => {
  it('refuses the publishable key on secret routes with 403', async () => {
    for (const path of ['/v1/stats', '/v1/stats.csv', '/v1/forecast']) {
      expect((await request(path, { key: PK })).status, path).toBe(403)
    }
    expect((await postJson('/v1/conversions', { id: 'c', account: 'a', to: 'pro' }, PK)).status).toBe(403)
  })

  it('mounts the dashboard: the publishable key cannot sign in, the secret key can', async () => {
    const login = (key: string) => request('/dashboard/login', {
      method: 'POST',
      headers: { origin: BASE, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key }).toString(),
    })
    const page = await request('/dashboard')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<form')
    const refused = await login(PK)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('set-cookie')).toBeNull()
    const accepted = await login(SK)
    expect(accepted.status).toBe(303)
    const cookie = accepted.headers.get('set-cookie')!.split(';')[0]!
    const signedIn = await request('/dashboard', { headers: { cookie } })
    expect(await signedIn.text()).toContain('contacts-80')
  })

  it("passes limits.trustProxy to the dashboard: the proxy's X-Forwarded-Host/-Proto count only when it is on", async () => {
    const login = (app: Handler) => app(new Request('http://10.0.0.5:8787/dashboard/login', {
      method: 'POST',
      headers: {
        origin: 'https://nudge.example.com',
        'x-forwarded-host': 'nudge.example.com',
        'x-forwarded-proto': 'https',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ key: SK }).toString(),
    }))
    expect((await login(handler)).status).toBe(403)
    const proxied = setup({ limits: { trustProxy: true } })
    try {
      const accepted = await login(proxied)
      expect(accepted.status).toBe(303)
      expect(accepted.headers.get('set-cookie')).toContain('Secure')
    } finally {
      await proxied.close()
    }
  })

  it('answers 401 without a key on every keyed route', async () => {
    for (const path of ['/v1/rules', '/v1/state?account=a', '/v1/stats', '/v1/forecast']) {
      const response = await request(path)
      expect(response.status, path).toBe(401)
      expect(await response.json()).toMatchObject({ error: { code: 'missing_key' } })
    }
  })
})

describe('GET /v1/stats, /v1/stats.csv and /v1/forecast', () => {
  it('reports per trigger × variant from the rollups, as JSON and CSV', async () => {
    await postJson('/v1/events', { events: [
      makeEvent({ type: 'impression', ts: NOW - DAY, trigger: 'contacts-80', variant: 'a', account: 'x' }),
      makeEvent({ type: 'click', ts: NOW - DAY, trigger: 'contacts-80', variant: 'a', account: 'x' }),
      makeEvent({ type: 'impression', ts: NOW - DAY, trigger: 'contacts-80', variant: 'a', account: 'y' }),
    ] })
    await postJson('/v1/conversions', { id: 'c1', account: 'x', to: 'pro' }, SK)
    const stats = await request('/v1/stats?from=2026-06-01&to=2026-06-15', { key: SK })
    expect(stats.status).toBe(200)
    const body = await stats.json()
    expect(body).toMatchObject({ from: '2026-06-01', to: '2026-06-15' })
    expect(body.rows).toEqual([expect.objectContaining({
      trigger: 'contacts-80', variant: 'a', impressions: 2, accounts_reached: 2, clicks: 1, conversions: 1,
      conversion_rate: 0.5, expansion_mrr: 49,
    })])
    const csv = await request('/v1/stats.csv?from=2026-06-01&to=2026-06-15', { key: SK })
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    expect((await csv.text()).split('\n')[1]).toContain('contacts-80')
  })

  it('answers 400 with the query issues for a bad date', async () => {
    const response = await request('/v1/stats?from=2026-13-01', { key: SK })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_query', issues: [{ path: 'from' }] } })
  })

  it('forecasts eligible accounts × observed rate × the target MRR delta', async () => {
    await postJson('/v1/events', { events: [
      ...['x', 'y'].map((account) => makeEvent({ type: 'impression', ts: NOW - 2 * DAY, trigger: 'contacts-80', variant: 'a', account })),
      ...['e1', 'e2', 'e3', 'e4'].map((account) => makeEvent({ type: 'eligible', ts: NOW - DAY, trigger: 'contacts-80', variant: 'b', account })),
    ] })
    await postJson('/v1/conversions', { id: 'c1', account: 'x', to: 'pro' }, SK)
    const body = await (await request('/v1/forecast', { key: SK })).json()
    expect(body.rows).toEqual([
      { trigger: 'contacts-80', eligible_accounts: 4, conversion_rate: 0.5, mrr_delta: 49, expected_mrr: 98 },
      { trigger: 'segmentation-gate', eligible_accounts: 0, conversion_rate: 0, mrr_delta: 49, expected_mrr: 0 },
    ])
    expect(body.expected_mrr).toBe(98)
  })
})

describe('errors and limits', () => {
  it('refuses compressed bodies with 415 and never echoes binary bytes in a JSON error', async () => {
    const { gzipSync } = await import('node:zlib')
    const gzip = gzipSync(JSON.stringify({ events: [makeEvent({ type: 'impression', ts: NOW - 1000, trigger: 'contacts-80', variant: 'a' })] }))
    const encoded = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzip })
    expect(encoded.status).toBe(415)
    expect((await encoded.json()).error.message).toContain("Content-Encoding 'gzip'")
    const binary = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/json' }, body: gzip })
    expect(binary.status).toBe(400)
    expect((await binary.json()).error).toMatchObject({ code: 'invalid_encoding', message: 'Failed to read the body: it is not valid UTF-8 (byte 0x8b at offset 1).' })
    const text = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/json' }, body: '{"events": [\u0001' })
    const { error } = await text.json()
    expect(error.message).toBe('Failed to parse the body as JSON: it holds binary data, not text.')
    expect(JSON.stringify(error)).not.toMatch(/[\u0000-\u001f]/)
  })

  it('answers 429 with Retry-After once the rate limit is spent', async () => {
    handler.close()
    handler = setup({ limits: { perSecond: 1, burst: 2 } })
    expect((await request('/v1/rules', { key: PK })).status).toBe(200)
    expect((await request('/v1/rules', { key: PK })).status).toBe(200)
    const limited = await request('/v1/rules', { key: PK })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
  })

  it('answers 503 with Retry-After when the store is unreachable, and logs it with the request id', async () => {
    const down = (): never => {
      throw new StoreUnavailableError('connection refused')
    }
    handler.close()
    handler = setup({ store: { ...store, ingest: async () => down(), aggregates: async () => down() } })
    const response = await request('/v1/stats', { key: SK, headers: { 'x-request-id': 'req-503' } })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(await response.json()).toMatchObject({ error: { code: 'store_unavailable' } })
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'store unavailable', request_id: 'req-503' }))
    const events = await postJson('/v1/events', { events: [makeEvent({ type: 'track', ts: NOW, event: 'x' })] })
    expect(events.status).toBe(503)
    handler.close()
    handler = setup({ store: { ...store, ping: async () => down() } })
    expect((await request('/readyz')).status).toBe(503)
    expect((await request('/healthz')).status).toBe(200)
  })

  it('answers 404 JSON for unknown routes and serves /healthz, /readyz and /v1/openapi.json without a key', async () => {
    expect((await request('/v2/nothing')).status).toBe(404)
    expect(await (await request('/healthz')).json()).toEqual({ ok: true })
    expect(await (await request('/readyz')).json()).toEqual({ ok: true })
    const spec = await (await request('/v1/openapi.json')).json()
    expect(spec.openapi).toBe('3.1.0')
    expect(spec.components.schemas.Event.properties.type.enum).toContain('upgrade_requested')
    expect(spec.components.schemas.EventBatch.properties.events.items).toEqual({ $ref: '#/components/schemas/Event' })
    expect(spec.components.schemas.Conversion.$id).toBeUndefined()
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/conversions', '/v1/stats']))
    // Every documented route is served: none answers 404 (keys, bodies and sessions aside).
    for (const [path, operations] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(operations)) {
        const response = await request(path, { method: method.toUpperCase() })
        expect({ path, method, status: response.status }).not.toMatchObject({ status: 404 })
      }
    }
  })

  it('never answers 500 to hostile input', async () => {
    const bodies = ['null', '[]', '"x"', '{"events": null}', '{"events": [null, 1, "a", []]}', '{"events": [{"id": {"$gt": 1}}]}',
      JSON.stringify({ events: [{ ...makeEvent({ type: 'track', ts: NOW }), account: 'a\u0000b' }] }),
      JSON.stringify({ events: [{ ...makeEvent({ type: 'track', ts: NOW }), ts: 1e300 }] }),
      `{"events": [{"props": {"deep": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}]}`,
      `{"events": [${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}]}`]
    for (const [index, body] of bodies.entries()) {
      const response = await request('/v1/events', { method: 'POST', key: PK, headers: { 'content-type': 'application/json' }, body })
      expect(response.status, `body ${index}: ${body.slice(0, 80)}`).toBeLessThan(500)
    }
    const conversion = await request('/v1/conversions', { method: 'POST', key: SK, headers: { 'content-type': 'application/json' }, body: '{"id": 1}' })
    expect(conversion.status).toBe(400)
  })

  it('logs one JSON line per request with the request id it echoes', async () => {
    const response = await request('/healthz', { headers: { 'x-request-id': 'abc-123' } })
    expect(response.headers.get('x-request-id')).toBe('abc-123')
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'request', request_id: 'abc-123', status: 200 }))
  })
})

describe('mounted under a prefix in another Hono app', () => {
  it('serves the API and the dashboard under the prefix', async () => {
    const { Hono } = await import('hono')
    const host = new Hono()
    host.route('/nudgekit', handler.app)
    const rulesResponse = await host.request('/nudgekit/v1/rules', { headers: { authorization: `Bearer ${PK}` } })
    expect(rulesResponse.status).toBe(200)
    const login = await host.request('/nudgekit/dashboard/login', {
      method: 'POST',
      headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: SK }).toString(),
    })
    expect(login.status).toBe(303)
    expect(login.headers.get('set-cookie')).toContain('Path=/nudgekit/dashboard')
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await host.request('/nudgekit/dashboard', { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('contacts-80')
  })
})

describe('CORS', () => {
  it('grants allowed origins, including on errors, and grants nothing to other origins', async () => {
    handler.close()
    handler = setup({ cors: ['https://app.example.com'] })
    const allowed = await request('/v1/rules', { key: PK, headers: { origin: 'https://app.example.com' } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    const unauthorised = await request('/v1/rules', { headers: { origin: 'https://app.example.com' } })
    expect(unauthorised.status).toBe(401)
    expect(unauthorised.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    const preflight = await request('/v1/events', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    const other = await request('/v1/rules', { key: PK, headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('normalises a configured origin with a trailing slash, and refuses a value that is not an origin', async () => {
    handler.close()
    handler = setup({ cors: ['https://app.example.com/'] })
    const allowed = await request('/v1/rules', { key: PK, headers: { origin: 'https://app.example.com' } })
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(() => setup({ cors: ['app.example.com'] })).toThrow(
      "[nudgekit] Failed to configure CORS: 'app.example.com' is not an origin: it has no scheme. Pass each origin as scheme://host[:port]",
    )
    expect(() => setup({ cors: ['*'] })).toThrow(/^\[nudgekit\] Failed to configure CORS: '\*' is a wildcard/)
  })

  it('grants no origin by default (same origin only)', async () => {
    const response = await request('/v1/rules', { key: PK, headers: { origin: 'https://app.example.com' } })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('ids', () => {
  it('makes UUIDv7 ids the events schema accepts', async () => {
    expect(uuidv7(NOW)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
