// Differential test of the stats: random histories sent through the real handler on both stores, answers compared with a reference model.
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'postgres'
import { afterAll, describe, it } from 'vitest'
import { createHandler, type Handler } from '../handler.ts'
import { jsonLinesLogger } from '../logger.ts'
import { postgres } from '../store/postgres.ts'
import { sqlite } from '../store/sqlite.ts'
import type { Store } from '../store/types.ts'
import { TEST_DATABASE_URL, testSchemas } from '../test-support/postgres.ts'
import { compileRules } from '../test-support/rules.ts'
import { describeSent, history, HISTORY_RULES, HOLDOUT_TRIGGERS, NOW, PRICES, TRIGGERS, WINDOW, type Sent } from '../test-support/stats-history.ts'
import { createModel, type Model, type StatsAnswer, type StatsQuery } from '../test-support/stats-model.ts'

const PUBLISHABLE = ['pk_test_model_0000000001', 'pk_test_model_0000000002']
const SECRET = 'sk_test_model_0000000001'
const rules = compileRules(HISTORY_RULES)
/** NUDGEKIT_MODEL_SCALE multiplies the runs, for a longer search than CI's (about 10 s at 1). */
const SCALE = Number(process.env.NUDGEKIT_MODEL_SCALE ?? 1)
const SQLITE_RUNS = 200 * SCALE
const POSTGRES_RUNS = 50 * SCALE

/** Where `actual` differs from `expected`, one line per difference; numbers agree to 1e-9 (the interval maths' own rounding). */
function differences(expected: unknown, actual: unknown, path = ''): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected)) ? [] : [`${path}: expected ${expected}, got ${actual}`]
  }
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)])
    return [...keys].flatMap((key) => differences((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key))
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`]
}

type Call = (path: string, key: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>

/** A caller of one handler: the answer's status and JSON body. */
function caller(handler: Handler): Call {
  return async (path, key, body) => {
    const response = await handler(new Request(`http://nudgekit.test${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }))
    return { status: response.status, body: await response.json() as Record<string, unknown> }
  }
}

const statsPath = (query: StatsQuery) => `/v1/stats?${new URLSearchParams(query as Record<string, string>)}`

/** How a stats answer differs from the model's. */
function statsDifferences(expected: StatsAnswer, actual: { status: number; body: unknown }): string[] {
  return expected.status === 200 ? differences(expected, actual) : differences(expected.status, actual.status, 'status')
}

/** Whether two of the groups hold one id. */
function sharesAny(groups: readonly (readonly string[])[]): boolean {
  const seen = new Set<string>()
  return groups.some((ids) => {
    const own = new Set(ids)
    const shared = [...own].some((id) => seen.has(id))
    for (const id of own) seen.add(id)
    return shared
  })
}

const totals = (answers: readonly { accepted: unknown; duplicates: unknown }[]) => ({
  accepted: answers.reduce((sum, a) => sum + Number(a.accepted), 0),
  duplicates: answers.reduce((sum, a) => sum + Number(a.duplicates), 0),
})
const sortedJson = (answers: readonly unknown[]) => answers.map((a) => JSON.stringify(a)).sort()

/**
 * Sends one request (or several at once, spread over the instances from `turn` on) and returns how the answers
 * differ from the model's.
 */
async function check(calls: readonly Call[], turn: number, model: Model, sent: Sent): Promise<string[]> {
  const on = (i: number) => calls[(turn + i) % calls.length]!
  switch (sent.kind) {
    case 'events': {
      const before = sent.race && model.stats(sent.race)
      const [raced, ...answers] = await Promise.all([
        sent.race && on(1)(statsPath(sent.race), SECRET),
        ...sent.batches.map((events, i) => on(i)('/v1/events', PUBLISHABLE[sent.key]!, { events })),
      ])
      const expected = sent.batches.map((batch) => ({ status: 202, ...model.events(sent.key, batch) }))
      const actual = answers.map(({ status, body }) => ({ status, accepted: body.accepted, duplicates: body.duplicates,
        rejected: Array.isArray(body.rejected) ? body.rejected.map((r: { index: number }) => r.index) : body.rejected }))
      // Batches that share an event race for it: only the totals are known.
      const found = sharesAny(sent.batches.map((batch) => batch.map((e) => e.id)))
        ? [...differences(expected.map(({ status, rejected }) => ({ status, rejected })), actual.map(({ status, rejected }) => ({ status, rejected }))),
          ...differences(totals(expected), totals(actual), 'total')]
        : expected.flatMap((batch, i) => differences(batch, actual[i], `batch ${i}`))
      if (!raced || !before) return found
      // A read racing a batch sees all of it or none of it.
      const [seenBefore, seenAfter] = [statsDifferences(before, raced), statsDifferences(model.stats(sent.race!), raced)]
      if (seenBefore.length === 0 || seenAfter.length === 0) return found
      return [...found, 'the racing stats read matches neither the model before the batch nor after it; after:', ...seenAfter]
    }
    case 'conversions': {
      const answers = await Promise.all(sent.bodies.map((body, i) => on(i)('/v1/conversions', SECRET, body)))
      const expected = sent.bodies.map((body) => model.conversion(body))
      const actual = answers.map(({ status, body }) => {
        const { credited, mrr_delta, ts, duplicate, warnings } = body
        const codes = Array.isArray(warnings) ? warnings.map((w: { code: string }) => w.code) : warnings
        return status === 200 || status === 201 ? { status, credited, mrr_delta, ts, duplicate, ...(codes === undefined ? {} : { warnings: codes }) } : { status }
      })
      // A conversion sent twice at once: which of the two is recorded first is a race.
      if (sharesAny(sent.bodies.map((body) => [body.id]))) return differences(sortedJson(expected), sortedJson(actual), 'answers')
      return expected.flatMap((answer, i) => differences(answer, actual[i], `conversion ${i}`))
    }
    case 'stats':
      return statsDifferences(model.stats(sent.query), await on(0)(statsPath(sent.query), SECRET))
    case 'state': {
      const { status, body } = await on(0)(`/v1/state?account=${sent.account}`, PUBLISHABLE[0]!)
      return differences({ status: 200, triggers: model.state(sent.account) }, { status, triggers: body.triggers })
    }
  }
}

/**
 * Replays a history on fresh stores sharing one database (a server instance each, taking the requests in turn);
 * throws with the requests so far and the differences at the first disagreement.
 */
async function replay(open: () => Promise<Store[]>, sent: readonly Sent[]): Promise<void> {
  const stores = await open()
  const handlers = stores.map((store) => createHandler({
    rules, store, keys: { publishable: PUBLISHABLE, secret: SECRET }, now: () => NOW,
    logger: jsonLinesLogger(() => {}), limits: { perSecond: 1e6, burst: 1e6 },
  }))
  const model = createModel({ now: NOW, windowMs: WINDOW, triggers: TRIGGERS, holdouts: HOLDOUT_TRIGGERS, prices: PRICES })
  try {
    for (const [step, request] of sent.entries()) {
      const found = await check(handlers.map(caller), step, model, request)
      if (found.length > 0) {
        const listing = sent.slice(0, step + 1).map((s, i) => `${String(i + 1).padStart(3)}. ${describeSent(s).replaceAll('\n', '\n     ')}`)
        throw new Error(`The answer to request ${step + 1} differs from the model's:\n  ${found.join('\n  ')}\nRequests:\n${listing.join('\n')}`)
      }
    }
  } finally {
    await Promise.all(handlers.map((handler) => handler.close()))
    await Promise.all(stores.map((store) => store.close()))
  }
}

describe('stats against a reference model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nudgekit-model-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it(`answers every request as the model does on SQLite (${SQLITE_RUNS} random histories)`, async () => {
    // One database file at a time, made afresh for each history.
    const path = join(dir, 'model.db')
    const open = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
      return [sqlite(path)]
    }
    await fc.assert(fc.asyncProperty(history, (sent) => replay(open, sent)), { numRuns: SQLITE_RUNS })
  }, 60_000 * SCALE)

  const schemas = testSchemas('stats_model')
  it(`answers every request as the model does on PostgreSQL, two server instances sharing it (${POSTGRES_RUNS} random histories)`, async () => {
    // One schema, migrated once and emptied before each history (every table but the migrations').
    const schema = schemas()
    const migrated = postgres(TEST_DATABASE_URL, { schema })
    await migrated.migrate()
    await migrated.close()
    const admin = pg(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connection: { search_path: schema } })
    const tables = (await admin<{ name: string }[]>`select table_name as name from information_schema.tables
      where table_schema = ${schema} and table_name <> 'schema_migrations'`).map((t) => t.name)
    const open = async () => {
      await admin.unsafe(`truncate ${tables.join(', ')}`)
      return [postgres(TEST_DATABASE_URL, { schema, max: 4 }), postgres(TEST_DATABASE_URL, { schema, max: 4 })]
    }
    try {
      await fc.assert(fc.asyncProperty(history, (sent) => replay(open, sent)), { numRuns: POSTGRES_RUNS })
    } finally {
      await admin.end()
    }
  }, 60_000 * SCALE)
})
