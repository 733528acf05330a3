// Test fixtures shared by the store contract suite and the handler tests: UUIDv7 ids, events, outbox rows.
import type { NudgeEvent, Store, WebhookEnqueue } from './types.ts'

let sequence = 0

/**
 * A UUIDv7 for `ts`: 48-bit millisecond timestamp, version 7, RFC 4122 variant, then a counter and random
 * bits so ids made in the same millisecond stay unique and ordered.
 * @example uuidv7(Date.now()) // '0193…-…-7…-…'
 */
export function uuidv7(ts: number = Date.now()): string {
  sequence = (sequence + 1) % 0x1000
  const hex = ts.toString(16).padStart(12, '0')
  const random = crypto.getRandomValues(new Uint8Array(8))
  random[0] = (random[0]! & 0x3f) | 0x80
  const tail = [...random].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`
}

/** An event with a fresh id; `overrides` set the rest. */
export function makeEvent(overrides: Partial<NudgeEvent> & Pick<NudgeEvent, 'type' | 'ts'>): NudgeEvent {
  return { id: uuidv7(overrides.ts), account: 'acct_1', user: 'user_1', ...overrides }
}

/**
 * Puts `delivery` in the outbox as POST /v1/events does: routed from an upgrade request of its account, in the
 * ingest that stores it. False when it was not enqueued (its claim was lost, or its id is in the outbox already).
 * @example await enqueueWebhook(store, { id: 'sales:e1', route: 'sales', account: 'acme', key: 'upgrade_requested', payload: '{}', now, renotifyMs: DAY })
 */
export async function enqueueWebhook(store: Pick<Store, 'ingest'>, delivery: WebhookEnqueue): Promise<boolean> {
  const event = makeEvent({ type: 'upgrade_requested', ts: delivery.now, account: delivery.account })
  return (await store.ingest('fixtures', [event], { route: () => [delivery] })).enqueued === 1
}

/** The day of the exposures `PRE_WINDOW_EXPOSURES` writes; their conversions come a day later. */
const PRE_WINDOW_DAY = Date.UTC(2026, 0, 10)
const DAY_MS = 86_400_000

/**
 * Exposure rows as a database before `window_converted_at` (SQLite 007, PostgreSQL 005) stored them: a converted
 * account, one that did not convert and a converted held-out account, all of trigger `t`. SQL for both dialects.
 */
export const PRE_WINDOW_EXPOSURES = `insert into exposures (trigger, variant, account, first_exposed_at, last_exposed_at,
  exposures, converted_at, conversions, expansion_mrr) values
  ('t', 'a', 'won', ${PRE_WINDOW_DAY}, ${PRE_WINDOW_DAY}, 1, ${PRE_WINDOW_DAY + DAY_MS}, 1, 10),
  ('t', 'a', 'lost', ${PRE_WINDOW_DAY}, ${PRE_WINDOW_DAY}, 1, null, 0, 0),
  ('t', 'holdout', 'held', ${PRE_WINDOW_DAY}, ${PRE_WINDOW_DAY}, 1, ${PRE_WINDOW_DAY + DAY_MS}, 1, 10)`

/**
 * The lift counts of `PRE_WINDOW_EXPOSURES` on a migrated store, before and after a conversion recorded then:
 * [accounts reached, conversions, reached_conversions, holdout accounts, holdout conversions] each time.
 * @example expect(await windowCountsAcrossConversion(store)).toEqual({ migrated: [[2, 1, 1, 1, 1]], after: [[2, 2, 2, 1, 1]] })
 */
export async function windowCountsAcrossConversion(store: Store): Promise<{ migrated: number[][]; after: number[][] }> {
  const counts = async () => (await store.aggregates({ from: PRE_WINDOW_DAY, to: PRE_WINDOW_DAY + DAY_MS })).map((r) =>
    [r.accounts_reached, r.conversions, r.reached_conversions, r.holdout_accounts, r.holdout_conversions])
  const migrated = await counts()
  await store.recordConversion({ id: 'c', account: 'lost', to: 'pro', mrrDelta: 10, ts: PRE_WINDOW_DAY + 2 * DAY_MS }, 14 * DAY_MS)
  return { migrated, after: await counts() }
}
