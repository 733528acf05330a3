// The persisted event queue shared by the tabs of one key: bounded (oldest dropped first, drops counted),
// with in-flight marks so no two senders carry the same events at once and a reload re-sends what was in flight.
import type { Store } from '../storage.ts'
import type { NudgeEvent } from '../types.ts'

/** The stored queue; short names because it is serialised on every change. */
export interface QueueState {
  /** Events, oldest first; `u`: on the wire until then (a dead page's batch goes out again after it). */
  q: Array<{ e: NudgeEvent; u?: number }>
  /** Events dropped (queue full, or refused by the server) and not yet reported. */
  d: number
  /** No tab sends before this time (backoff, Retry-After). */
  r: number
}

export interface Queue {
  /** The current state, shared with other tabs; read-only. */
  state(): QueueState
  /** Changes the state and stores it. */
  update(change: (state: QueueState) => void): void
  /**
   * Appends an event; `true` when the queue was full and the oldest was dropped (and counted). A `usage` event
   * replaces a waiting one of the same account and metric: only the latest value matters.
   */
  push(event: NudgeEvent): boolean
  /** Up to `max` queued events that are not in flight, oldest first. */
  take(max: number): NudgeEvent[]
  /** Marks events as in flight until `until`; 0 puts them back to waiting. */
  mark(ids: readonly string[], until: number): void
  /** Removes delivered (or refused) events. */
  remove(ids: readonly string[]): void
}

/**
 * The queue stored under `q1:<key>`. Every operation reads the stored state first, so several tabs
 * over one storage see each other's events.
 * @example const queue = createQueue(store, 'pk_live_1', Date.now); queue.push(event)
 */
export function createQueue(store: Store, key: string, now: () => number, capacity = 1000): Queue {
  const name = 'q1:' + key
  const waiting = (entry: { u?: number }) => !(entry.u! > now())
  const state = (): QueueState => {
    const stored = store.get<QueueState>(name)
    return Array.isArray(stored?.q) ? stored : { q: [], d: 0, r: 0 }
  }
  const save = (s = state()) => store.set(name, s)
  return {
    state,
    update(change) {
      const s = state()
      change(s)
      save(s)
    },
    push(event) {
      const s = state()
      const stale = event.type === 'usage' ? s.q.findIndex(({ e, u }) => e.type === 'usage' && e.metric === event.metric && e.account === event.account && waiting({ u })) : -1
      if (stale >= 0) s.q.splice(stale, 1)
      const full = s.q.push({ e: event }) > capacity
      if (full) s.q.shift(), s.d++
      save(s)
      return full
    },
    take(max) {
      const batch: NudgeEvent[] = []
      for (const entry of state().q) if (batch.length < max && waiting(entry)) batch.push(entry.e)
      return batch
    },
    mark(ids, until) {
      const s = state()
      for (const entry of s.q) if (ids.includes(entry.e.id)) entry.u = until || undefined
      save(s)
    },
    remove(ids) {
      const s = state()
      s.q = s.q.filter((entry) => !ids.includes(entry.e.id))
      save(s)
    },
  }
}
