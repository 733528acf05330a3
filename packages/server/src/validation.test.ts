// Input validation through the handler, on SQLite and PostgreSQL: a client mistake gets a 4xx (or a rejection in the
// batch) naming the field, valid input next to it is kept, and nothing reaches the database that it would refuse.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHandler, type Handler } from './handler.ts'
import { EVENT_MAX_AGE_MS, EVENT_MAX_FUTURE_MS, findTextProblem, MRR_DELTA_LIMIT, textProblem } from './http/schemas.ts'
import { makeEvent, uuidv7 } from './store/fixtures.ts'
import { postgres } from './store/postgres.ts'
import { sqlite } from './store/sqlite.ts'
import type { Store } from './store/types.ts'
import { TEST_DATABASE_URL, testSchemas } from './test-support/postgres.ts'
import { compileRules } from './test-support/rules.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'
const NOW = Date.UTC(2026, 5, 15, 12)
const DAY = 86_400_000
const rules = compileRules()
const nextSchema = testSchemas('validation')
const silent = { info() {}, warn() {}, error() {} }

const stores: [string, () => Promise<Store>][] = [
  ['sqlite', async () => sqlite(':memory:')],
  ['postgres', async () => {
    const store = postgres(TEST_DATABASE_URL, { schema: nextSchema() })
    await store.migrate()
    return store
  }],
]

interface Issue { code: string; path: string; message: string; hint?: string }
interface ErrorAnswer { error: { code: string; message: string; hint?: string; issues?: Issue[] } }
interface EventsAnswer { accepted: number; duplicates: number; rejected: { index: number; error: string; issues: Issue[] }[]; warnings?: Issue[] }

/**
 * A store from `open` (in-memory SQLite by default) and a handler on it, fresh for each test of the enclosing
 * describe and closed after it.
 */
function servePerTest(open: () => Store | Promise<Store> = () => sqlite(':memory:')): { store: Store; handler: Handler } {
  const served = {} as { store: Store; handler: Handler }
  beforeEach(async () => {
    served.store = await open()
    served.handler = createHandler({ rules, store: served.store, keys: { publishable: PK, secret: SK }, logger: silent, now: () => NOW })
  })
  afterEach(async () => {
    await served.handler.close()
    await served.store.close()
  })
  return served
}

describe.each(stores)('input validation on %s', (_label, open) => {
  const served = servePerTest(open)

  const send = (path: string, init: RequestInit & { key?: string } = {}) => {
    const { key, ...rest } = init
    const headers = new Headers(rest.headers)
    if (key) headers.set('authorization', `Bearer ${key}`)
    return served.handler(new Request(`https://api.example.com${path}`, { ...rest, headers }))
  }
  const post = (path: string, body: unknown, key: string) =>
    send(path, { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const get = (path: string) => send(path, { key: SK })
  const impression = (overrides: Record<string, unknown> = {}) =>
    ({ ...makeEvent({ type: 'impression', ts: NOW - 1000, trigger: 'contacts-80', variant: 'a' }), ...overrides })
  const impressionsOf = async (account?: string) => {
    const [row] = await served.store.aggregates({ from: NOW - DAY, to: NOW + DAY })
    if (account !== undefined) expect((await served.store.accountState(account)).length, `state of ${account}`).toBeGreaterThan(0)
    return row?.impressions ?? 0
  }

  describe('POST /v1/events: strings the database cannot store', () => {
    it('rejects each event holding a NUL or an unpaired surrogate, naming the field, and keeps the rest', async () => {
      const bad = [
        impression({ props: { plan: '\ud800' } }),
        impression({ props: { ['pl\udc00an']: 'pro' } }),
        impression({ props: { nested: { tags: ['ok', 'x\ud83d'] } } }),
        impression({ account: 'acme\ud800' }),
        impression({ trigger: 'contacts-80\udfff' }),
        impression({ props: { ['a\u0000b']: 1 } }),
        impression({ user: 'u\u0000' }),
        { ...makeEvent({ type: 'track', ts: NOW - 1000 }), event: 'report\ud800viewed' },
      ]
      const good = impression({ account: 'acct_😀', props: { mood: '😀 fine', list: ['a', { deep: 'ü' }] } })
      const response = await post('/v1/events', { events: [...bad, good] }, PK)
      expect(response.status).toBe(202)
      const body = (await response.json()) as EventsAnswer
      expect(body.accepted).toBe(1)
      expect(body.rejected.map((r) => [r.index, r.issues[0]!.path])).toEqual([
        [0, 'events.0.props.plan'],
        [1, 'events.1.props'],
        [2, 'events.2.props.nested.tags.1'],
        [3, 'events.3.account'],
        [4, 'events.4.trigger'],
        [5, 'events.5.props'],
        [6, 'events.6.user'],
        [7, 'events.7.event'],
      ])
      expect(body.rejected[0]!.error).toBe('events.0.props.plan: props.plan contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode')
      expect(body.rejected[1]!.error).toContain('props key "pl\\udc00an" contains an unpaired UTF-16 surrogate')
      expect(body.rejected[3]!.error).toContain('account contains an unpaired UTF-16 surrogate')
      expect(body.rejected[5]!.error).toContain('props key "a\\u0000b" contains a NUL character')
      expect(body.rejected[6]!.error).toBe('events.6.user: user contains a NUL character (\\u0000)')
      // The valid event is stored whole: astral characters (surrogate pairs) are well-formed.
      expect(await impressionsOf('acct_😀')).toBe(1)
    })

    it('keeps concurrent valid batches committing while another client sends ill-formed strings', async () => {
      const poisoned = Array.from({ length: 5 }, () => post('/v1/events', { events: [impression({ props: { x: '\ud800' } })] }, PK))
      const valid = Array.from({ length: 5 }, (_, i) => post('/v1/events', { events: [impression({ account: `acct_${i}` })] }, PK))
      const answers = await Promise.all([...poisoned, ...valid])
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(202))
      const bodies = (await Promise.all(answers.map((r) => r.json()))) as EventsAnswer[]
      expect(bodies.map((b) => b.accepted)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
      expect(await impressionsOf()).toBe(5)
    })
  })

  describe('POST /v1/events: the fields an event type needs, and the variants it may have', () => {
    const at = NOW - 1000
    const track = { ...makeEvent({ type: 'track', ts: at }), event: 'report_viewed' }
    const usage = { ...makeEvent({ type: 'usage', ts: at }), metric: 'contacts', value: 812 }
    const gate = { ...makeEvent({ type: 'gate_hit', ts: at }), feature: 'segmentation' }

    it('rejects track without event, usage without metric or value, gate_hit without feature, each with a hint, and keeps the rest', async () => {
      const missing = (event: Record<string, unknown>, ...fields: string[]) =>
        Object.fromEntries(Object.entries(event).filter(([field]) => !fields.includes(field)))
      const events = [missing(track, 'event'), missing(usage, 'metric'), missing(usage, 'metric', 'value'), missing(gate, 'feature'), track, usage, gate]
      const response = await post('/v1/events', { events }, PK)
      expect(response.status).toBe(202)
      const body = (await response.json()) as EventsAnswer
      expect(body.accepted).toBe(3)
      const issue = (index: number, field: string, type: string, hint: RegExp) =>
        ({ code: 'missing_field', path: `events.${index}.${field}`, message: `${field} is required for a '${type}' event`, hint: expect.stringMatching(hint) })
      expect(body.rejected).toEqual([
        { index: 0, error: "events.0.event: event is required for a 'track' event", issues: [issue(0, 'event', 'track', /^Send the name of what happened.*\.$/)] },
        { index: 1, error: "events.1.metric: metric is required for a 'usage' event", issues: [issue(1, 'metric', 'usage', /"metric": "contacts"/)] },
        { index: 2, error: "events.2.metric: metric is required for a 'usage' event (and 1 more)",
          issues: [issue(2, 'metric', 'usage', /metric/), issue(2, 'value', 'usage', /"value": 812/)] },
        { index: 3, error: "events.3.feature: feature is required for a 'gate_hit' event", issues: [issue(3, 'feature', 'gate_hit', /gate\(\)/)] },
      ])
      // The valid ones were stored: sent again, they are duplicates.
      expect(await (await post('/v1/events', { events: [track, usage, gate] }, PK)).json()).toEqual({ accepted: 0, duplicates: 3, rejected: [] })
    })

    it("rejects the 'holdout' variant on a prompt's own events and another variant on a holdout exposure, and keeps the rest", async () => {
      const events = [
        ...(['impression', 'click', 'dismiss', 'snooze', 'upgrade_requested'] as const).map((type) => impression({ type, variant: 'holdout', id: uuidv7(at) })),
        impression({ type: 'holdout', variant: 'a' }),
        impression({ type: 'holdout', variant: 'holdout', account: 'held_1', id: uuidv7(at) }),
        impression({ type: 'holdout', variant: undefined, account: 'held_2', id: uuidv7(at) }),
        impression({ type: 'eligible', variant: 'holdout', account: 'held_1', id: uuidv7(at) }),
        impression({ account: 'shown', id: uuidv7(at) }),
      ]
      const body = (await (await post('/v1/events', { events }, PK)).json()) as EventsAnswer
      expect(body.accepted).toBe(4)
      expect(body.rejected.map((r) => [r.index, r.issues.map((i) => [i.code, i.path])])).toEqual(
        [0, 1, 2, 3, 4, 5].map((index) => [index, [['variant_mismatch', `events.${index}.variant`]]]))
      expect(body.rejected[0]!.error).toBe("events.0.variant: variant 'holdout' is only for 'holdout' and 'eligible' events, not an 'impression' event")
      expect(body.rejected[4]!.issues[0]!.hint).toMatch(/prompt\.variant/)
      expect(body.rejected[5]!.error).toBe("events.5.variant: a 'holdout' event's variant is 'holdout' or left out, not 'a'")
      const [row] = await served.store.aggregates({ from: NOW - DAY, to: NOW + DAY })
      expect(row).toMatchObject({ trigger: 'contacts-80', variant: 'a', impressions: 1, accounts_reached: 1 })
    })
  })

  describe('POST /v1/events: batch metadata', () => {
    it('keeps the events when dropped or key is malformed, and says in warnings what was ignored', async () => {
      for (const [index, metadata] of [{ dropped: -1 }, { dropped: null }, { dropped: 2.5 }, { dropped: '3' }, { key: null }, { key: 7 }].entries()) {
        const response = await post('/v1/events', { events: [impression({ account: `meta_${index}` })], ...metadata }, PK)
        expect(response.status, JSON.stringify(metadata)).toBe(202)
        const body = (await response.json()) as EventsAnswer
        const [field] = Object.keys(metadata)
        expect(body).toMatchObject({ accepted: 1, rejected: [] })
        expect(body.warnings).toEqual([expect.objectContaining({ code: 'ignored_field', path: field, message: expect.stringMatching(new RegExp(`^${field} .*; it was ignored$`)) })])
        expect(body.warnings![0]!.hint).toMatch(new RegExp(`${field}.*\\.$`))
      }
      expect(await impressionsOf()).toBe(6)
    })

    it('answers without warnings for valid metadata, and 401 when a malformed body key is the only key', async () => {
      const fine = await post('/v1/events', { events: [impression()], dropped: 4 }, PK)
      expect(await fine.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
      const beacon = await send('/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ key: null, events: [impression()] }) })
      expect(beacon.status).toBe(401)
    })

    it('answers 400 about the events, not the metadata, when events itself is wrong', async () => {
      const cases: [unknown, string, string][] = [
        [{ dropped: 1 }, 'events', 'events is required'],
        [{ events: [] }, 'events', 'events is empty'],
        [{ events: 'x' }, 'events', 'events must be an array of events'],
        [[impression()], '', 'the body must be a JSON object: { "events": [...] }'],
      ]
      for (const [body, path, message] of cases) {
        const response = await post('/v1/events', body, PK)
        expect(response.status).toBe(400)
        const answer = (await response.json()) as ErrorAnswer
        expect(answer.error).toMatchObject({ code: 'invalid_batch', issues: [{ path, message }] })
        expect(answer.error.hint).toContain('"events"')
      }
    })
  })

  describe('POST /v1/conversions', () => {
    const conversion = (overrides: Record<string, unknown> = {}) => ({ id: `inv_${uuidv7()}`, account: 'acme', to: 'pro', ...overrides })

    it('answers 400 naming the field for a NUL or an unpaired surrogate, and records nothing', async () => {
      for (const field of ['id', 'account', 'to', 'from']) {
        for (const text of ['inv_77\u0000first', 'inv\ud800']) {
          const response = await post('/v1/conversions', conversion({ [field]: text }), SK)
          expect(response.status, `${field} ${JSON.stringify(text)}`).toBe(400)
          const { error } = (await response.json()) as ErrorAnswer
          expect(error.code).toBe('invalid_conversion')
          expect(error.issues).toEqual([expect.objectContaining({ path: field, message: expect.stringMatching(new RegExp(`^${field} contains`)) })])
        }
      }
      // The id is not truncated at the NUL (SQLite would have stored 'inv_77'): a clean inv_77 is a new conversion.
      expect((await post('/v1/conversions', conversion({ id: 'inv_77' }), SK)).status).toBe(201)
    })

    it('records a conversion to a plan the rules lack when mrr_delta is sent, and warns about it in the 201 and the 200 of a replay', async () => {
      const warning = {
        code: 'unknown_target', path: 'to',
        message: "'legacy-gold' is neither a plan nor an add-on of the rules; the conversion was recorded with the mrr_delta sent",
        hint: "If it is not a plan billing still sells from older rules, check it against the rules' ids: free, pro, analytics.",
      }
      const legacy = conversion({ to: 'legacy-gold', mrr_delta: 99 })
      const first = await post('/v1/conversions', legacy, SK)
      expect(first.status).toBe(201)
      expect(await first.json()).toMatchObject({ to: 'legacy-gold', mrr_delta: 99, duplicate: false, warnings: [warning] })
      const replay = await post('/v1/conversions', legacy, SK)
      expect(replay.status).toBe(200)
      expect(await replay.json()).toMatchObject({ duplicate: true, warnings: [warning] })
      // A known target has no warnings; an unknown one without mrr_delta cannot be valued and is refused.
      expect(await (await post('/v1/conversions', conversion({ to: 'analytics', mrr_delta: 29 }), SK)).json()).not.toHaveProperty('warnings')
      const unvalued = await post('/v1/conversions', conversion({ to: 'legacy-gold' }), SK)
      expect(unvalued.status).toBe(400)
      expect(((await unvalued.json()) as ErrorAnswer).error.issues).toEqual([expect.objectContaining({ code: 'unknown_target', path: 'to' })])
    })

    it('warns about a from that is no plan of the rules when mrr_delta is sent, and refuses it when from would value the conversion', async () => {
      const fromWarning = {
        code: 'unknown_plan', path: 'from',
        message: "'fre' is not a plan of the rules; the conversion was recorded with the mrr_delta sent",
        hint: "If it is not a plan billing still sells from older rules, check it against the rules' plans: free, pro.",
      }
      const valued = await post('/v1/conversions', conversion({ id: 'inv_from_1', to: 'pro', from: 'fre', mrr_delta: 49 }), SK)
      expect(valued.status).toBe(201)
      expect(await valued.json()).toMatchObject({ mrr_delta: 49, warnings: [fromWarning] })
      // Both ids unknown: both said, `to` first.
      const both = await post('/v1/conversions', conversion({ id: 'inv_from_2', to: 'legacy-gold', from: 'fre', mrr_delta: 5 }), SK)
      expect(((await both.json()) as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code)).toEqual(['unknown_target', 'unknown_plan'])
      expect(await (await post('/v1/conversions', conversion({ id: 'inv_from_3', to: 'pro', from: 'free', mrr_delta: 49 }), SK)).json()).not.toHaveProperty('warnings')
      const unvalued = await post('/v1/conversions', conversion({ id: 'inv_from_4', to: 'pro', from: 'fre' }), SK)
      expect(unvalued.status).toBe(400)
      expect(((await unvalued.json()) as ErrorAnswer).error.issues).toEqual([expect.objectContaining({ code: 'unknown_plan', path: 'from' })])
    })

    it(`bounds mrr_delta to ±${MRR_DELTA_LIMIT}, so sums stay finite`, async () => {
      await post('/v1/events', { events: [impression({ account: 'acme' })] }, PK)
      for (const mrr_delta of [1.7e308, -1.7e308, MRR_DELTA_LIMIT + 1]) {
        const response = await post('/v1/conversions', conversion({ mrr_delta }), SK)
        expect(response.status).toBe(400)
        expect(((await response.json()) as ErrorAnswer).error.issues).toEqual([
          expect.objectContaining({ path: 'mrr_delta', message: `mrr_delta ${mrr_delta} is outside -1,000,000,000 to 1,000,000,000` }),
        ])
      }
      expect((await post('/v1/conversions', conversion({ mrr_delta: MRR_DELTA_LIMIT }), SK)).status).toBe(201)
      expect((await post('/v1/conversions', conversion({ mrr_delta: MRR_DELTA_LIMIT }), SK)).status).toBe(201)
      const stats = (await (await get('/v1/stats?from=2026-06-01&to=2026-06-15')).json()) as { rows: { expansion_mrr: number }[] }
      expect(stats.rows[0]!.expansion_mrr).toBe(2 * MRR_DELTA_LIMIT)
    })

    it('refuses a ts in seconds or before 2000 with a hint that ts is epoch milliseconds', async () => {
      const seconds = await post('/v1/conversions', conversion({ ts: 1_765_000_000 }), SK)
      expect(seconds.status).toBe(400)
      expect(((await seconds.json()) as ErrorAnswer).error).toMatchObject({
        message: 'Failed to read the conversion: ts: ts 1765000000 is 1970-01-21T10:16:40.000Z, before 2000-01-01.',
        hint: 'ts is epoch milliseconds, and 1765000000 looks like seconds: send 1765000000000.',
        issues: [{ code: 'ts_out_of_range', path: 'ts' }],
      })
      for (const ts of [0, Date.UTC(2000, 0, 1) - 1, '1999-12-31T23:59:59Z']) {
        const response = await post('/v1/conversions', conversion({ ts }), SK)
        expect(response.status, String(ts)).toBe(400)
        expect(((await response.json()) as ErrorAnswer).error.hint).toMatch(/^ts is epoch milliseconds/)
      }
      expect((await post('/v1/conversions', conversion({ ts: Date.UTC(2000, 0, 1) }), SK)).status).toBe(201)
    })

    it('answers 409 conversion_conflict naming each differing field when an id is reused with another body', async () => {
      const first = conversion({ mrr_delta: 49, ts: NOW - DAY })
      expect((await post('/v1/conversions', first, SK)).status).toBe(201)
      const conflict = await post('/v1/conversions', { ...first, account: 'other', mrr_delta: 99 }, SK)
      expect(conflict.status).toBe(409)
      expect(((await conflict.json()) as ErrorAnswer).error).toEqual({
        code: 'conversion_conflict',
        message: `Failed to record the conversion: id '${first.id}' was recorded before with another account, mrr_delta.`,
        hint: 'Use a new id for a different conversion; resend the first body to confirm the recorded one.',
        issues: [
          { code: 'conflict', path: 'account', message: 'account was "acme", not "other"' },
          { code: 'conflict', path: 'mrr_delta', message: 'mrr_delta was 49, not 99' },
        ],
      })
      const cases: [Record<string, unknown>, string][] = [
        [{ to: 'analytics' }, 'to'],
        [{ ts: NOW - 2 * DAY }, 'ts'],
        [{ mrr_delta: undefined, from: 'pro', to: 'pro' }, 'from'],
      ]
      for (const [change, path] of cases) {
        const response = await post('/v1/conversions', { ...first, ...change }, SK)
        expect(response.status, path).toBe(409)
        expect(((await response.json()) as ErrorAnswer).error.issues!.map((i) => i.path)).toEqual([path])
      }
      // The same body again (ts and mrr_delta left out count as unchanged) stays idempotent.
      for (const replay of [first, { ...first, ts: new Date(NOW - DAY).toISOString() }, { id: first.id, account: 'acme', to: 'pro' }]) {
        const response = await post('/v1/conversions', replay, SK)
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({ id: first.id, account: 'acme', mrr_delta: 49, duplicate: true })
      }
    })
  })

  describe('query strings', () => {
    it('answers 400 naming the parameter for a NUL in the account or trigger, and no 5xx for bytes that are not UTF-8', async () => {
      const state = await send('/v1/state?account=a%00b', { key: PK })
      expect(state.status).toBe(400)
      expect(await state.json()).toMatchObject({ error: { code: 'invalid_query', issues: [{ path: 'account', message: 'account contains a NUL character (\\u0000)' }] } })
      expect((await send('/v1/state?account=a%ED%A0%80', { key: PK })).status).toBe(200)
      expect((await get('/v1/stats?trigger=a%ED%A0%80%FF')).status).toBe(200)
      for (const path of ['/v1/stats?trigger=a%00b', '/v1/stats.csv?trigger=a%00b']) {
        const stats = await get(path)
        expect(stats.status, path).toBe(400)
        expect(await stats.json()).toMatchObject({ error: { code: 'invalid_query', message: 'Failed to read the stats query: trigger contains a NUL character (\\u0000).' } })
      }
    })

    it('trims the stats trigger and refuses one over 200 characters, as openapi.json says', async () => {
      await post('/v1/events', { events: [impression()] }, PK)
      const trimmed = (await (await get('/v1/stats?from=2026-06-01&to=2026-06-15&trigger=%20contacts-80%20')).json()) as { rows: { trigger: string }[] }
      expect(trimmed.rows.map((r) => r.trigger)).toEqual(['contacts-80'])
      const long = await get(`/v1/stats?trigger=${'x'.repeat(201)}`)
      expect(long.status).toBe(400)
      expect(await long.json()).toMatchObject({ error: { issues: [{ path: 'trigger', message: 'trigger is longer than 200 characters' }] } })
    })

    it('reads years before 100 as the calendar days they are', async () => {
      const response = await get('/v1/stats?from=0001-01-01&to=0001-01-31')
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ from: '0001-01-01', to: '0001-01-31', rows: [] })
    })

    it('counts the other problems of a stats query and ends each hint with a period', async () => {
      const response = await get('/v1/stats?from=2026-02-30&to=x&trigger=')
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as ErrorAnswer
      expect(error.message).toBe("Failed to read the stats query: from '2026-02-30' is not a calendar date in the form YYYY-MM-DD (and 2 more).")
      expect(error.hint).toBe('Use a UTC day such as 2026-01-31.')
      expect(error.issues!.map((i) => i.hint!.at(-1))).toEqual(['.', '.', '.'])
    })
  })
})

describe('textProblem and findTextProblem', () => {
  it('names a NUL or an unpaired surrogate and passes every well-formed string', () => {
    expect(textProblem('a\u0000b')).toBe('contains a NUL character (\\u0000)')
    for (const text of ['\ud800', 'a\udc00', '\ude00\ud83d']) expect(textProblem(text), JSON.stringify(text)).toMatch(/unpaired UTF-16 surrogate/)
    for (const text of ['', 'plain', '😀', '\ud83d\ude00', 'ü\u00a0\uffff']) expect(textProblem(text), JSON.stringify(text)).toBeUndefined()
  })

  it('finds the first bad key or value at any depth, with its path', () => {
    expect(findTextProblem({ a: 1, b: [true, null, { c: 'ok', d: 'x\ud800' }] })).toEqual({ path: ['b', 2, 'd'], text: 'x\ud800', message: expect.stringMatching(/^contains an unpaired/) })
    expect(findTextProblem({ list: [{ ['k\u0000']: 1 }] })).toEqual({ path: ['list', 0], text: 'k\u0000', message: 'key "k\\u0000" contains a NUL character (\\u0000)' })
    expect(findTextProblem({ a: ['😀', { b: 2 }], c: 'fine' })).toBeUndefined()
  })

  it('walks nesting far deeper than the call stack allows', () => {
    let deep: unknown = 'end\u0000'
    for (let i = 0; i < 200_000; i++) deep = [deep]
    expect(findTextProblem(deep)?.path).toHaveLength(200_000)
  })
})

describe('error wording (zod defaults replaced)', () => {
  const served = servePerTest()
  const post = async (path: string, body: unknown, key: string) => (await served.handler(new Request(`https://x${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  }))).json()
  const rejection = async (event: Record<string, unknown>) => ((await post('/v1/events', { events: [event] }, PK)) as EventsAnswer).rejected[0]!.error
  const event = { id: uuidv7(NOW), type: 'impression', ts: NOW, account: 'a', user: 'u', trigger: 't' }

  it('says a UUIDv7 is required, naming the version of another UUID', async () => {
    expect(await rejection({ ...event, id: '0193a1b2-c3d4-4e5f-8a6b-1c2d3e4f5a6b' }))
      .toBe("events.0.id: id '0193a1b2-c3d4-4e5f-8a6b-1c2d3e4f5a6b' is a version 4 UUID (or has a non-RFC variant); a UUIDv7 is required")
    expect(await rejection({ ...event, id: 'nope' })).toBe('events.0.id: id must be a UUIDv7, e.g. 0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b')
  })

  it('says a missing field is required, and a trigger event needs its trigger with the right article', async () => {
    expect(await rejection({ ...event, account: undefined })).toBe('events.0.account: account is required')
    expect(await rejection({ ...event, account: 5 })).toBe('events.0.account: account must be a string')
    expect(await rejection({ ...event, trigger: undefined })).toBe("events.0.trigger: trigger is required for an 'impression' event")
    expect(await rejection({ ...event, type: 'holdout', trigger: undefined })).toBe("events.0.trigger: trigger is required for a 'holdout' event")
    expect(await rejection({ ...event, type: 'teleport' })).toMatch(/^events\.0\.type: type must be one of: impression, click/)
    expect(await rejection({ ...event, ts: NOW + 0.5 })).toBe('events.0.ts: ts must be a whole number of epoch milliseconds')
  })

  it('says an event that is not an object must be a JSON object', async () => {
    for (const value of ['impression', null, 5, [event]]) {
      expect(await rejection(value as never), JSON.stringify(value)).toBe('events.0: event must be a JSON object')
    }
  })

  it('names where an event is nested too deeply, with a hint for that place', async () => {
    // As text: JSON.stringify itself cannot write what is too deep to read.
    const deep = `${'['.repeat(100_000)}"end"${']'.repeat(100_000)}`
    const issueOf = async (json: string) => ((await (await served.handler(new Request('https://x/v1/events', {
      method: 'POST', headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/json' }, body: `{"events":[${json}]}`,
    }))).json()) as EventsAnswer).rejected[0]!.issues
    const withField = (field: string, value: string) => JSON.stringify(event).replace(/}$/, `,"${field}":${value}}`)
    expect(await issueOf(withField('props', `{"list":${deep}}`))).toEqual([{ code: 'too_deep', path: 'events.0.props', message: 'props is nested too deeply to read',
      hint: 'Keep props flat: a few levels of nesting at most.' }])
    expect(await issueOf(withField('context', deep))).toEqual([{ code: 'too_deep', path: 'events.0.context', message: 'context is nested too deeply to read',
      hint: 'Only props holds nested data: send context as GET /v1/openapi.json describes, or leave it out.' }])
    expect(await issueOf(deep)).toEqual([{ code: 'too_deep', path: 'events.0', message: 'event is nested too deeply to read', hint: 'Send each event as a JSON object.' }])
  })

  it('says a key in a beacon body must be a string, not that no key was sent', async () => {
    for (const [key, kind] of [[123, 'a number'], [null, 'null'], [[PK], 'an array'], [{ pk: PK }, 'an object']] as const) {
      const response = await served.handler(new Request('https://x/v1/events', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ key, events: [event] }) }))
      expect(response.status).toBe(401)
      expect((await response.json()).error).toEqual({ code: 'missing_key', message: `Failed to authenticate: "key" in the body must be a string, not ${kind}.`,
        hint: 'Send the publishable key as a string, e.g. { "key": "pk_live_…", "events": [...] }, or as "Authorization: Bearer <key>".' })
    }
  })

  it('says a ts past what a date can hold is out of range, for events and conversions alike, rather than failing', async () => {
    // 9e15 is a safe integer but past the last Date (8.64e15): it was answered 500 once.
    for (const ts of [1e20, 2 ** 53, 9e15, 8.64e15 + 1]) {
      const message = `ts ${ts} is out of range: more than 1 day after the server time`
      expect(await rejection({ ...event, ts }), String(ts)).toBe(`events.0.ts: ${message}`)
      const answer = (await post('/v1/conversions', { id: 'c1', account: 'a', to: 'pro', ts }, SK)) as ErrorAnswer
      expect(answer.error.issues, String(ts)).toEqual([expect.objectContaining({ path: 'ts', message })])
    }
    expect(await rejection({ ...event, ts: -1e20 })).toBe('events.0.ts: ts must be epoch milliseconds, not a negative number')
    expect(await rejection({ ...event, ts: 8.64e15 })).toMatch(/^events\.0\.ts: ts \+275760-09-13T00:00:00\.000Z is more than 30 days before/)
  })

  it('explains the ts forms of a conversion, and its hint lists every field, from included', async () => {
    const answer = (await post('/v1/conversions', { id: 'c1', account: 'a', to: 'pro', ts: '2026-11-23T12:00:00' }, SK)) as ErrorAnswer
    expect(answer.error.message).toBe('Failed to read the conversion: ts: ts must be an ISO 8601 time with an offset, e.g. 2026-11-23T12:00:00Z.')
    expect(answer.error.hint).toContain('"from"?')
    for (const [ts, message] of [[1.5, 'ts must be a whole number of epoch milliseconds'], [-1, 'ts must be epoch milliseconds, not a negative number']] as const) {
      const answer = (await post('/v1/conversions', { id: 'c1', account: 'a', to: 'pro', ts }, SK)) as ErrorAnswer
      expect(answer.error.issues).toEqual([expect.objectContaining({ path: 'ts', message })])
    }
    const missing = (await post('/v1/conversions', { id: 'c1', to: 'pro', ts: true }, SK)) as ErrorAnswer
    expect(missing.error.message).toBe('Failed to read the conversion: account: account is required (and 1 more).')
    expect(missing.error.issues![1]!.message).toBe('ts must be epoch milliseconds or an ISO 8601 time with an offset, e.g. 2026-11-23T12:00:00Z')
  })
})

describe('bodies that are not UTF-8', () => {
  const served = servePerTest()
  /** `json` as UTF-8 with `bad` put in place of the first `@`. */
  const bytesOf = (json: string, bad: number[]) => {
    const [before, after] = json.split('@') as [string, string]
    const encoder = new TextEncoder()
    return Uint8Array.from([...encoder.encode(before), ...bad, ...encoder.encode(after)])
  }
  const postBytes = async (path: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    served.handler(new Request(`https://x${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }))
  const eventJson = (account: string) =>
    JSON.stringify({ events: [{ ...makeEvent({ type: 'impression', ts: NOW, trigger: 'contacts-80', variant: 'a' }), account }] })
  const conversionJson = (id: string) => JSON.stringify({ id, account: 'acme', to: 'pro' })

  // Each malformed sequence, and where it starts: offset 11, after '{"id":"inv_'.
  const cases: [string, number[], string][] = [
    ['a stray continuation byte', [0x80], '0x80 at offset 11'],
    ['a byte UTF-8 never uses', [0xff], '0xff at offset 11'],
    ['an overlong encoding of "/"', [0xc0, 0xaf], '0xc0 at offset 11'],
    ['an encoded UTF-16 surrogate (CESU-8)', [0xed, 0xa0, 0x80], '0xed at offset 11'],
    ['a sequence cut short', [0xe2, 0x82], '0xe2 at offset 11'],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '0xf4 at offset 11'],
  ]
  it.each(cases)('answers POST /v1/conversions 400 invalid_encoding for %s, naming the byte and its offset', async (_name, bad, where) => {
    const response = await postBytes('/v1/conversions', bytesOf(conversionJson('inv_@'), bad), { authorization: `Bearer ${SK}` })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: {
      code: 'invalid_encoding',
      message: `Failed to read the body: it is not valid UTF-8 (byte ${where}).`,
      hint: 'Send the JSON encoded as UTF-8, uncompressed; convert ids and names from other encodings before sending them.',
    } })
  })

  it('refuses two conversion ids that differ only in their bad bytes, so they never share one idempotency key', async () => {
    for (const bad of [[0xff], [0xfe]]) {
      const response = await postBytes('/v1/conversions', bytesOf(conversionJson('inv_@'), bad), { authorization: `Bearer ${SK}` })
      expect(response.status).toBe(400)
    }
    // Nothing was recorded under the U+FFFD a lossy decoding would have made of both.
    const clean = await postBytes('/v1/conversions', new TextEncoder().encode(conversionJson('inv_\ufffd')), { authorization: `Bearer ${SK}` })
    expect(await clean.json()).toMatchObject({ id: 'inv_\ufffd', duplicate: false })
  })

  it('answers POST /v1/events 400 invalid_encoding for a batch with bad bytes, with the key in a header or in the body', async () => {
    const inHeader = await postBytes('/v1/events', bytesOf(eventJson('acct_@'), [0xc3, 0x28]), { authorization: `Bearer ${PK}` })
    expect(inHeader.status).toBe(400)
    expect((await inHeader.json()).error).toMatchObject({ code: 'invalid_encoding', message: expect.stringMatching(/not valid UTF-8 \(byte 0xc3 at offset \d+\)\.$/) })
    const beacon = bytesOf(JSON.stringify({ key: PK, events: [{ ...makeEvent({ type: 'track', ts: NOW }), event: 'r@' }] }), [0xa0])
    const inBody = await postBytes('/v1/events', beacon, { 'content-type': 'text/plain;charset=UTF-8' })
    expect(inBody.status).toBe(400)
    expect((await inBody.json()).error.code).toBe('invalid_encoding')
    expect(await served.store.aggregates({ from: NOW - DAY, to: NOW + DAY })).toEqual([])
  })

  it('still reads UTF-8 with a byte order mark, astral characters and a literal U+FFFD', async () => {
    const json = eventJson('acct_😀_\ufffd')
    const response = await postBytes('/v1/events', Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(json)]), { authorization: `Bearer ${PK}` })
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] })
    expect(await served.store.accountState('acct_😀_\ufffd')).toHaveLength(1)
  })
})

describe('openapi.json agrees with the server', () => {
  const store = sqlite(':memory:')
  const handler = createHandler({ rules, store, keys: { publishable: PK, secret: SK }, logger: silent, now: () => NOW })
  const fetchJson = async (path: string, init: RequestInit = {}) => (await handler(new Request(`https://x${path}`, init))).json()
  type Operation = { security?: Record<string, unknown>[]; responses: Record<string, unknown> }
  afterAll(async () => {
    await handler.close()
    await store.close()
  })

  it('declares the secret-key scheme for conversions, stats and the forecast, and the publishable one for the rest', async () => {
    const spec = await fetchJson('/v1/openapi.json')
    expect(Object.keys(spec.components.securitySchemes)).toEqual(['publishableKey', 'secretKey'])
    const schemeOf = (path: string, method = 'get') => Object.keys((spec.paths[path][method] as Operation).security![0]!)
    for (const path of ['/v1/stats', '/v1/stats.csv', '/v1/forecast']) expect(schemeOf(path), path).toEqual(['secretKey'])
    expect(schemeOf('/v1/conversions', 'post')).toEqual(['secretKey'])
    for (const path of ['/v1/rules', '/v1/state']) expect(schemeOf(path), path).toEqual(['publishableKey'])
    expect(schemeOf('/v1/events', 'post')).toEqual(['publishableKey'])
  })

  it('documents the statuses each route answers: 413/415 on bodies, 409 on conversions, no 400 where none is possible', async () => {
    const spec = await fetchJson('/v1/openapi.json')
    const statuses = (path: string, method: string) => Object.keys((spec.paths[path][method] as Operation).responses)
    expect(statuses('/v1/events', 'post')).toEqual(expect.arrayContaining(['202', '400', '413', '415']))
    expect(statuses('/v1/conversions', 'post')).toEqual(expect.arrayContaining(['200', '201', '400', '409', '413', '415']))
    expect(statuses('/v1/rules', 'get')).not.toContain('400')
    expect(statuses('/v1/forecast', 'get')).not.toContain('400')
    // The statuses documented are the ones answered.
    const xml = { method: 'POST', headers: { authorization: `Bearer ${SK}`, 'content-type': 'application/xml' }, body: '<a/>' }
    expect((await handler(new Request('https://x/v1/conversions', xml))).status).toBe(415)
    const big = { ...xml, headers: { ...xml.headers, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'x'.repeat(600_000) }) }
    expect((await handler(new Request('https://x/v1/conversions', big))).status).toBe(413)
  })

  it('states the Event rules the server applies: the fields each type needs, the holdout variant, the ts window, storable strings', async () => {
    const { Event } = (await fetchJson('/v1/openapi.json')).components.schemas
    const whenType = (types: string[], then: object) => ({ if: { properties: { type: { enum: types } }, required: ['type'] }, then })
    expect(Event.allOf).toEqual([
      whenType(['impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible'], { required: ['trigger'] }),
      whenType(['gate_hit'], { required: ['feature'] }),
      whenType(['usage'], { required: ['metric', 'value'] }),
      whenType(['track'], { required: ['event'] }),
      whenType(['holdout'], { properties: { variant: { const: 'holdout' } } }),
      { if: { properties: { type: { not: { enum: ['holdout', 'eligible'] } } }, required: ['type'] }, then: { properties: { variant: { not: { const: 'holdout' } } } } },
    ])
    expect(Event.properties.metric.description).toBe('Required for usage events.')
    expect(Event.properties.ts.description).toContain(`${EVENT_MAX_AGE_MS / DAY} days before and ${EVENT_MAX_FUTURE_MS / DAY} day after`)
    expect(Event.description).toMatch(/NUL character or an unpaired UTF-16 surrogate/)
  })

  it('describes the 200/201/202 answers with the fields the server sends', async () => {
    const spec = await fetchJson('/v1/openapi.json')
    const { schemas } = spec.components
    const auth = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' })
    const events = await fetchJson('/v1/events', { method: 'POST', headers: auth(PK), body: JSON.stringify({ events: [{ ...makeEvent({ type: 'impression', ts: NOW, trigger: 'contacts-80', variant: 'a' }), account: 'acme' }] }) })
    const conversion = await fetchJson('/v1/conversions', { method: 'POST', headers: auth(SK), body: JSON.stringify({ id: 'c1', account: 'acme', to: 'pro' }) })
    const legacy = await fetchJson('/v1/conversions', { method: 'POST', headers: auth(SK), body: JSON.stringify({ id: 'c2', account: 'acme', to: 'gold', mrr_delta: 9 }) })
    const state = await fetchJson('/v1/state?account=acme', { headers: auth(PK) })
    const stats = await fetchJson('/v1/stats', { headers: auth(SK) })
    const forecast = await fetchJson('/v1/forecast', { headers: auth(SK) })
    const keysOf = (schema: { properties: object }) => Object.keys(schema.properties).sort()
    expect(Object.keys(events).sort()).toEqual(schemas.EventsAnswer.required.sort())
    expect(Object.keys(conversion).sort()).toEqual(schemas.ConversionAnswer.required.sort())
    expect(Object.keys(legacy).sort()).toEqual(keysOf(schemas.ConversionAnswer))
    expect(keysOf(schemas.State.properties.triggers.additionalProperties)).toEqual(expect.arrayContaining(Object.keys(state.triggers['contacts-80'])))
    expect(Object.keys(state).sort()).toEqual(keysOf(schemas.State))
    expect(Object.keys(stats).sort()).toEqual(keysOf(schemas.Stats))
    expect(Object.keys(stats.rows[0]).sort()).toEqual(keysOf(schemas.StatsRow))
    expect(Object.keys(forecast).sort()).toEqual(keysOf(schemas.Forecast))
    expect(Object.keys(forecast.rows[0]).sort()).toEqual(keysOf(schemas.Forecast.properties.rows.items))
    expect(spec.paths['/v1/stats'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Stats' })
  })
})
