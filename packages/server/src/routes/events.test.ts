// The arms POST /v1/events knows: those of every rules version served, and those the store recorded, so events of a
// trigger or arm an edit removed still count after a restart and on an instance started after the edit.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { createHandler, type Handler } from '../handler.ts'
import { makeEvent } from '../store/fixtures.ts'
import { postgres } from '../store/postgres.ts'
import { sqlite } from '../store/sqlite.ts'
import { StoreUnavailableError, type NudgeEvent, type Store, type TriggerArm } from '../store/types.ts'
import { TEST_DATABASE_URL, testSchemas } from '../test-support/postgres.ts'
import { compileRules, RULES_YAML } from '../test-support/rules.ts'
import { knownTriggers } from './events.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'
const NOW = Date.UTC(2026, 5, 15, 12)
const silent = { info() {}, warn() {}, error() {} }
const dir = mkdtempSync(join(tmpdir(), 'nudgekit-events-'))
const nextSchema = testSchemas('events_arms')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Before the edit: contacts-80 runs a, b and a holdout, and old-offer runs x, y and a holdout. */
const before = compileRules(RULES_YAML.replace('attribution:', `  - id: old-offer
    when: { usage: contacts, at_least: 50% }
    prompt: { placement: inline, title: "Half way there", target: next_plan_raising_limit }
    experiment: { variants: { x: {}, y: {} }, holdout: 10% }
attribution:`))
/** After it: old-offer is gone, and contacts-80 runs a and c, holding no account out. */
const after = compileRules(RULES_YAML.replace('b: { title: "Running out of room?" } }, holdout: 10%', 'c: {} }'))

const event = (type: NudgeEvent['type'], trigger: string, variant?: string) =>
  makeEvent({ type, ts: NOW - 1000, trigger, account: `acct_${trigger}_${variant}`, ...(variant ? { variant } : {}) })

function serve(store: Store, rules: CompiledRules): Handler {
  return createHandler({ rules, store, keys: { publishable: PK, secret: SK }, logger: silent, now: () => NOW })
}

async function post(handler: Handler, events: NudgeEvent[]): Promise<Response> {
  return handler(new Request('https://api.example.com/v1/events', {
    method: 'POST',
    headers: { authorization: `Bearer ${PK}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  }))
}

/** What the rules before the edit had pages send: prompts of old-offer x and contacts-80 b, an old-offer holdout. */
async function exposeBeforeEdit(handler: Handler): Promise<void> {
  const answer = await post(handler, [event('impression', 'old-offer', 'x'), event('holdout', 'old-offer'), event('impression', 'contacts-80', 'b')])
  expect(await answer.json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] })
}

/**
 * What pages still on the cached rules send after the edit, and what is refused: old-offer's shown arm and holdout,
 * and contacts-80's removed arm b, count; old-offer's y (never shown), contacts-80's holdout (no account was held
 * out), a holdout forged for the gate, which never had one, and a trigger no rules had are refused.
 */
async function expectCountedAfterEdit(handler: Handler): Promise<void> {
  const answer = await post(handler, [
    event('click', 'old-offer', 'x'),
    event('holdout', 'old-offer'),
    event('dismiss', 'contacts-80', 'b'),
    event('impression', 'old-offer', 'y'),
    event('holdout', 'contacts-80'),
    event('holdout', 'segmentation-gate'),
    event('impression', 'contacts-8O', 'a'),
    event('impression', 'contacts-80', 'c'),
  ])
  expect(answer.status).toBe(202)
  const body = await answer.json()
  expect(body.accepted).toBe(4)
  expect(body.rejected.map((r: { index: number; issues: { code: string }[] }) => [r.index, r.issues[0]!.code])).toEqual([
    [3, 'unknown_variant'], [4, 'unknown_variant'], [5, 'unknown_variant'], [6, 'unknown_trigger'],
  ])
  expect(body.rejected[2].error).toBe("events.5.type: trigger 'segmentation-gate' has no holdout in the rules this server serves, only: default")
}

describe('knownTriggers', () => {
  const version = (hash: string, triggers: Array<[string, string[], number?]>) => ({
    version: 2, metrics: {}, features: {}, plans: [], addons: [], defaults: {}, attribution: { windowMs: 1 }, hash,
    triggers: triggers.map(([id, arms, holdoutPercent = 0]) => ({ id, arms: arms.map((name) => ({ name })), holdoutPercent })),
  }) as unknown as CompiledRules
  const nothingRecorded = async () => []

  it('remembers the triggers and variants of every rules version served, so cached pages keep counting', () => {
    const known = knownTriggers(nothingRecorded)
    known.serve(version('v1', [['old', ['default']], ['exp', ['a']], ['was-held', ['default'], 10]]))
    const variantsOf = known.serve(version('v2', [['exp', ['a', 'b'], 5], ['new', ['default']], ['was-held', ['default']]]))
    expect([...variantsOf('old')!]).toEqual(['default'])
    expect([...variantsOf('exp')!]).toEqual(['a', 'b', 'holdout'])
    // A holdout once served stays known: pages with those rules cached still send its exposures.
    expect([...variantsOf('was-held')!]).toEqual(['default', 'holdout'])
    expect(variantsOf('new')?.has('default')).toBe(true)
    expect(variantsOf('new')?.has('holdout')).toBe(false)
    expect(variantsOf('never')).toBeUndefined()
  })

  it("adds the store's recorded arms to a lookup already handed out, reading the store once", async () => {
    let reads = 0
    const known = knownTriggers(async () => {
      reads++
      return [{ trigger: 'exp', variant: 'old' }, { trigger: 'gone', variant: 'holdout' }]
    })
    const variantsOf = known.serve(version('v1', [['exp', ['a']]]))
    expect(known.recalled).toBe(false)
    await Promise.all([known.recall(), known.recall()])
    await known.recall()
    expect(reads).toBe(1)
    expect(known.recalled).toBe(true)
    expect([...variantsOf('exp')!]).toEqual(['a', 'old'])
    expect([...variantsOf('gone')!]).toEqual(['holdout'])
  })

  it('reads the store again on the next call when a read failed', async () => {
    const results: Array<TriggerArm[] | Error> = [new StoreUnavailableError('connection refused'), [{ trigger: 'gone', variant: 'x' }]]
    const known = knownTriggers(async () => {
      const result = results.shift()!
      if (result instanceof Error) throw result
      return result
    })
    const variantsOf = known.serve(version('v1', []))
    await expect(known.recall()).rejects.toThrow(StoreUnavailableError)
    expect(known.recalled).toBe(false)
    await known.recall()
    expect(variantsOf('gone')?.has('x')).toBe(true)
  })
})

describe('POST /v1/events after a rules edit the server did not serve', () => {
  it('counts the removed trigger and arm on a server restarted on the same SQLite file, refusing typos and forged holdouts', async () => {
    const path = join(dir, 'restart.db')
    const first = sqlite(path)
    const running = serve(first, before)
    await exposeBeforeEdit(running)
    await running.close()
    await first.close()

    // The rules file was edited while the server was down: the restarted one never served the old version.
    const store = sqlite(path)
    const restarted = serve(store, after)
    try {
      await expectCountedAfterEdit(restarted)
    } finally {
      await restarted.close()
      await store.close()
    }
  })

  it('reads the recorded arms once, and only for a batch with an event the served rules do not know', async () => {
    let reads = 0
    const store = sqlite(':memory:')
    const counted: Store = { ...store, recordedArms: () => (reads++, store.recordedArms()) }
    const handler = serve(counted, after)
    try {
      await post(handler, [event('impression', 'contacts-80', 'a')])
      expect(reads).toBe(0)
      for (let i = 0; i < 3; i++) await post(handler, [event('impression', 'typo', 'a')])
      expect(reads).toBe(1)
    } finally {
      await handler.close()
      await store.close()
    }
  })

  it('answers 503 with Retry-After while the recorded arms cannot be read, then reads them on the next batch', async () => {
    const first = sqlite(':memory:')
    const running = serve(first, before)
    await exposeBeforeEdit(running)
    await running.close()
    let down = true
    const flaky: Store = {
      ...first,
      recordedArms: () => (down ? Promise.reject(new StoreUnavailableError('database is locked')) : first.recordedArms()),
    }
    const handler = serve(flaky, after)
    try {
      const batch = [event('impression', 'contacts-80', 'a'), event('click', 'old-offer', 'x')]
      const refused = await post(handler, batch)
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('5')
      down = false
      expect(await (await post(handler, batch)).json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] })
    } finally {
      await handler.close()
      await first.close()
    }
  })

  it('counts them on a PostgreSQL instance started after the edit, from the exposures another instance stored', async () => {
    const schema = nextSchema()
    const stores = [postgres(TEST_DATABASE_URL, { schema }), postgres(TEST_DATABASE_URL, { schema })]
    await stores[0]!.migrate()
    const older = serve(stores[0]!, before)
    try {
      await exposeBeforeEdit(older)
      const newer = serve(stores[1]!, after)
      await expectCountedAfterEdit(newer)
      await newer.close()
    } finally {
      await older.close()
      await Promise.all(stores.map((store) => store.close()))
    }
  }, 30_000)
})
