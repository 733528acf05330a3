// The persisted event queue shared by the tabs of one key: bounded (oldest dropped first, drops counted),
// with in-flight marks so no two senders carry the same events at once and a reload re-sends what was in flight.
import type { Store } from '../storage.ts'
import type { NudgeEvent } from '../types.ts'

interface Stored {
  events: NudgeEvent[]
  /** Events dropped because the queue was full or the server refused them, not yet reported. */
  dropped: number
  /** Batches on the wire: their ids and when the mark expires (a dead page's batch is re-sent after that). */
  inflight: Array<{ until: number; ids: string[] }>
  /** No tab sends before this time (backoff, Retry-After). */
  retryAt: number
}

export interface Queue {
  /**
   * Appends an event; returns how many events are queued and how many old ones this push dropped. A `usage`
   * event replaces a waiting one of the same account and metric: only the latest value matters.
   */
  push(event: NudgeEvent): { size: number; dropped: number }
  /** Up to `max` queued events that are not in flight, oldest first. */
  take(max: number): NudgeEvent[]
  /** Marks events as in flight until `until`. */
  mark(ids: readonly string[], until: number): void
  /** Clears the in-flight mark of events that go back to waiting. */
  unmark(ids: readonly string[]): void
  /** Removes delivered (or refused) events. */
  remove(ids: readonly string[]): void
  size(): number
  dropped(): number
  /** Adds to (or with a negative `n`, takes from) the unreported drop count. */
  countDropped(n: number): void
  retryAt(): number
  setRetryAt(at: number): void
}

/**
 * The queue stored under `queue:<key>`. Every operation reads the stored state first, so several tabs
 * over one storage see each other's events.
 * @example const queue = createQueue(store, 'pk_live_1', Date.now); queue.push(event)
 */
export function createQueue(store: Store, key: string, now: () => number, capacity = 1000): Queue {
  const name = 'queue:' + key
  const load = (): Stored => {
    const stored = store.get<Stored>(name)
    return Array.isArray(stored?.events) ? stored : { events: [], dropped: 0, inflight: [], retryAt: 0 }
  }
  const update = (change: (state: Stored) => void): void => {
    const state = load()
    change(state)
    store.set(name, state)
  }
  const without = (ids: readonly string[]) => {
    const gone = new Set(ids)
    return (state: Stored) => {
      state.inflight = state.inflight
        .map((batch) => ({ until: batch.until, ids: batch.ids.filter((id) => !gone.has(id)) }))
        .filter((batch) => batch.ids.length > 0 && batch.until > now())
      return gone
    }
  }
  return {
    push(event) {
      let size = 0
      let over = 0
      update((state) => {
        const stale =
          event.type === 'usage'
            ? state.events.findIndex(
                (e) =>
                  e.type === 'usage' &&
                  e.metric === event.metric &&
                  e.account === event.account &&
                  !state.inflight.some((batch) => batch.until > now() && batch.ids.includes(e.id)),
              )
            : -1
        if (stale >= 0) state.events.splice(stale, 1)
        over = state.events.push(event) - capacity
        if (over > 0) {
          without(state.events.splice(0, over).map((e) => e.id))(state)
          state.dropped += over
        }
        size = state.events.length
      })
      return { size, dropped: Math.max(0, over) }
    },
    take(max) {
      const state = load()
      const busy = new Set(state.inflight.filter((b) => b.until > now()).flatMap((b) => b.ids))
      const batch: NudgeEvent[] = []
      for (const event of state.events) {
        if (batch.length >= max) break
        if (!busy.has(event.id)) batch.push(event)
      }
      return batch
    },
    mark(ids, until) {
      update((state) => void state.inflight.push({ until, ids: [...ids] }))
    },
    unmark(ids) {
      update((state) => void without(ids)(state))
    },
    remove(ids) {
      update((state) => {
        const gone = without(ids)(state)
        state.events = state.events.filter((e) => !gone.has(e.id))
      })
    },
    size: () => load().events.length,
    dropped: () => load().dropped,
    countDropped(n) {
      update((state) => void (state.dropped = Math.max(0, state.dropped + n)))
    },
    retryAt: () => load().retryAt,
    setRetryAt(at) {
      update((state) => void (state.retryAt = at))
    },
  }
}
