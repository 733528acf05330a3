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
