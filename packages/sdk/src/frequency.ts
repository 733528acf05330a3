// Exposure state per trigger for the current account+user: persisted and so shared between tabs, counted per
// browsing session and per day, merged with the server's account-level state; what is on screen is per tab.
import type { TriggerState } from '@nudgekit/rules/evaluator'
import { periodStart } from './facts.ts'
import type { Store } from './storage.ts'

/** The account-level fields `GET /v1/state` returns per trigger; merged by taking the later/larger value. */
export type SharedTriggerState = Pick<TriggerState, 'impressions' | 'lastShownAt' | 'snoozedUntil' | 'dismissedAt' | 'acceptedAt'>

interface StoredTrigger extends SharedTriggerState {
  session?: string
  sessionImpressions: number
  /** Local midnight of the day `dayImpressions` counts. */
  day?: number
  dayImpressions: number
  /** Day of the last `eligible` and `holdout` events: each is sent once per day. */
  eligible?: number
  holdout?: number
}

export interface FrequencyState {
  /** The evaluator's view of a trigger, or `undefined` before its first exposure. */
  state(trigger: string): TriggerState | undefined
  /** Records that a prompt of the trigger became visible; `false` when it already was in this tab. */
  impression(trigger: string): boolean
  /** The prompt left the screen; with `snoozeMs` it stays away that long (in every tab). */
  hide(trigger: string, snoozeMs?: number, dismissed?: boolean): void
  /** Triggers on screen in this tab (cleared by the caller when the account or user changes). */
  readonly showing: Set<string>
  /** `true` the first time per day it is asked for this trigger and kind. */
  once(trigger: string, kind: 'eligible' | 'holdout'): boolean
  merge(server: Record<string, Partial<SharedTriggerState>>): void
}

const SHARED = ['impressions', 'lastShownAt', 'snoozedUntil', 'dismissedAt', 'acceptedAt'] as const

/**
 * Frequency state stored under `freq:<scope>`; `scope` is read at every access, so one instance follows
 * account and user switches; so is `session`, which changes after a spell without activity. `shared` tells
 * the other tabs after an impression or a hide.
 * @example const frequency = createFrequency(store, () => 'acct_1:user_1', () => sessionId, Date.now, () => channel?.postMessage('state'))
 */
export function createFrequency(store: Store, scope: () => string, session: () => string, now: () => number, shared: () => void): FrequencyState {
  const showing = new Set<string>()
  const all = () => store.get<Record<string, StoredTrigger>>('freq:' + scope()) ?? {}
  const today = () => periodStart('day', now())
  /** Changes one trigger's stored state (created when absent, counting from zero) in `states` and writes them back. */
  const update = (trigger: string, change: (state: StoredTrigger) => void, states = all()): void => {
    change((states[trigger] ??= current({ impressions: 0 } as StoredTrigger)))
    store.set('freq:' + scope(), states)
  }
  /** `s` with its session and day counts restarted when they belong to another session or day. */
  const current = (s: StoredTrigger): StoredTrigger => {
    const day = today()
    if (s.session !== session()) (s.session = session()), (s.sessionImpressions = 0)
    if (s.day !== day) (s.day = day), (s.dayImpressions = 0)
    return s
  }
  return {
    state(trigger) {
      const s = all()[trigger]
      return s || showing.has(trigger) ? { ...current({ impressions: 0, ...s } as StoredTrigger), showing: showing.has(trigger) } : undefined
    },
    impression(trigger) {
      if (showing.has(trigger)) return false
      showing.add(trigger)
      update(trigger, (s) => {
        current(s)
        s.impressions++
        s.sessionImpressions++
        s.dayImpressions++
        s.lastShownAt = now()
      })
      shared()
      return true
    },
    hide(trigger, snoozeMs, dismissed) {
      showing.delete(trigger)
      if (snoozeMs || dismissed) {
        update(trigger, (s) => {
          if (snoozeMs) s.snoozedUntil = Math.max(s.snoozedUntil ?? 0, now() + snoozeMs)
          if (dismissed) s.dismissedAt = now()
        })
        shared()
      }
    },
    showing,
    once(trigger, kind) {
      const day = today()
      return all()[trigger]?.[kind] !== day && (update(trigger, (s) => void (s[kind] = day)), true)
    },
    merge(server) {
      const states = all()
      for (const [trigger, values] of Object.entries(server)) {
        update(
          trigger,
          (s) => {
            for (const field of SHARED) {
              const value = values[field]
              if (typeof value === 'number' && !(value <= (s[field] ?? -Infinity))) s[field] = value
            }
          },
          states,
        )
      }
    },
  }
}
