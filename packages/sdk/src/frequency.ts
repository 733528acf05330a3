// Exposure state per trigger for one account+user: persisted and so shared between tabs, counted per
// browser session and per day, merged with the server's account-level state; what is on screen is per tab.
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
  /** Triggers on screen in this tab. */
  readonly showing: Set<string>
  /** `true` the first time per day it is asked for this trigger and kind. */
  once(trigger: string, kind: 'eligible' | 'holdout'): boolean
  merge(server: Record<string, Partial<SharedTriggerState>>): void
}

const SHARED = ['impressions', 'lastShownAt', 'snoozedUntil', 'dismissedAt', 'acceptedAt'] as const

/** Local midnight of the day of `at`. */
const dayOf = (at: number): number => periodStart('day', at)

/**
 * Frequency state stored under `freq:<scope>`.
 * @example const frequency = createFrequency(store, 'acct_1:user_1', sessionId, Date.now)
 */
export function createFrequency(store: Store, scope: string, session: string, now: () => number): FrequencyState {
  const key = 'freq:' + scope
  const showing = new Set<string>()
  const all = () => store.get<Record<string, StoredTrigger>>(key) ?? {}
  const entry = (states: Record<string, StoredTrigger>, trigger: string) =>
    (states[trigger] ??= { impressions: 0, sessionImpressions: 0, dayImpressions: 0 })
  const update = (trigger: string, change: (state: StoredTrigger) => void): void => {
    const states = all()
    change(entry(states, trigger))
    store.set(key, states)
  }
  return {
    state(trigger) {
      const s = all()[trigger]
      if (!s && !showing.has(trigger)) return undefined
      return {
        impressions: 0,
        ...s,
        sessionImpressions: s?.session === session ? s.sessionImpressions : 0,
        dayImpressions: s?.day === dayOf(now()) ? s.dayImpressions : 0,
        showing: showing.has(trigger),
      }
    },
    impression(trigger) {
      if (showing.has(trigger)) return false
      showing.add(trigger)
      update(trigger, (s) => {
        const today = dayOf(now())
        s.impressions++
        s.lastShownAt = now()
        s.sessionImpressions = (s.session === session ? s.sessionImpressions : 0) + 1
        s.session = session
        s.dayImpressions = (s.day === today ? s.dayImpressions : 0) + 1
        s.day = today
      })
      return true
    },
    hide(trigger, snoozeMs, dismissed) {
      showing.delete(trigger)
      if (!snoozeMs && !dismissed) return
      update(trigger, (s) => {
        if (snoozeMs) s.snoozedUntil = Math.max(s.snoozedUntil ?? 0, now() + snoozeMs)
        if (dismissed) s.dismissedAt = now()
      })
    },
    showing,
    once(trigger, kind) {
      const today = dayOf(now())
      if (all()[trigger]?.[kind] === today) return false
      update(trigger, (s) => void (s[kind] = today))
      return true
    },
    merge(server) {
      const states = all()
      for (const [trigger, shared] of Object.entries(server)) {
        const s = entry(states, trigger)
        for (const field of SHARED) {
          const value = shared[field]
          if (typeof value === 'number' && !(value <= (s[field] ?? -Infinity))) s[field] = value
        }
      }
      store.set(key, states)
    },
  }
}
