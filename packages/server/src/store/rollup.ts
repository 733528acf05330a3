// Rollup deltas: what a batch of newly stored events adds to the rollup tables, computed once for both stores.
import type { NudgeEvent } from './types.ts'

const DAY_MS = 86_400_000

/** Day names already formatted, by day number: a batch spans few days, and toISOString is costly per event. */
const dayNames = new Map<number, string>()

/** UTC day of an epoch-ms timestamp, `YYYY-MM-DD`. */
export function dayOf(ts: number): string {
  const day = Math.floor(ts / DAY_MS)
  let name = dayNames.get(day)
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10)
    if (dayNames.size >= 4096) dayNames.clear()
    dayNames.set(day, name)
  }
  return name
}

export interface DailyDelta {
  day: string
  trigger: string
  variant: string
  impressions: number
  clicks: number
  dismissals: number
  snoozes: number
  upgrade_requests: number
  holdouts: number
  eligible: number
}

export interface ExposureDelta {
  trigger: string
  variant: string
  account: string
  first_exposed_at: number
  last_exposed_at: number
  exposures: number
}

export interface AccountStateDelta {
  account: string
  trigger: string
  impressions: number
  last_shown_at: number | null
  dismissed_at: number | null
  snoozed_at: number | null
}

export interface EligibilityDelta {
  trigger: string
  account: string
  first_eligible_at: number
  last_eligible_at: number
}

export interface RollupDeltas {
  daily: DailyDelta[]
  exposures: ExposureDelta[]
  accountState: AccountStateDelta[]
  eligibility: EligibilityDelta[]
}

const DAILY_COLUMN = {
  impression: 'impressions',
  click: 'clicks',
  dismiss: 'dismissals',
  snooze: 'snoozes',
  upgrade_requested: 'upgrade_requests',
  holdout: 'holdouts',
  eligible: 'eligible',
} as const satisfies Partial<Record<NudgeEvent['type'], keyof DailyDelta>>

/** The experiment arm an event counts for; holdout exposures always count as `holdout`. */
export function variantOf(event: NudgeEvent): string {
  return event.type === 'holdout' ? 'holdout' : (event.variant ?? 'default')
}

const maxOf = (a: number | null, b: number): number => (a === null || b > a ? b : a)

/** Deltas keyed column by column, one map per key column, so no key string is built per event. */
type Tree<T> = Map<string, T | Tree<T>>

/** The entry under `keys`, made by `make` when absent. */
function entry<T>(tree: Tree<T>, keys: readonly string[], make: () => T): T {
  let level = tree
  const last = keys.length - 1
  for (let i = 0; i < last; i++) {
    let next = level.get(keys[i]!) as Tree<T> | undefined
    if (next === undefined) {
      next = new Map()
      level.set(keys[i]!, next)
    }
    level = next
  }
  let found = level.get(keys[last]!) as T | undefined
  if (found === undefined) {
    found = make()
    level.set(keys[last]!, found)
  }
  return found
}

/** The entries sorted by their keys, column by column. */
function sortedEntries<T>(tree: Tree<T>, depth: number, out: T[] = []): T[] {
  for (const key of [...tree.keys()].sort()) {
    const value = tree.get(key)!
    if (depth === 1) out.push(value as T)
    else sortedEntries(value as Tree<T>, depth - 1, out)
  }
  return out
}

/**
 * Sums a batch into per-key deltas. Each list is sorted by its key so concurrent transactions lock rows
 * in the same order (no deadlocks on PostgreSQL).
 */
export function computeDeltas(events: readonly NudgeEvent[]): RollupDeltas {
  const daily: Tree<DailyDelta> = new Map()
  const exposures: Tree<ExposureDelta> = new Map()
  const accountState: Tree<AccountStateDelta> = new Map()
  const eligibility: Tree<EligibilityDelta> = new Map()

  for (const event of events) {
    const trigger = event.trigger
    if (trigger === undefined || !(event.type in DAILY_COLUMN)) continue
    const variant = variantOf(event)
    const column = DAILY_COLUMN[event.type as keyof typeof DAILY_COLUMN]
    const { account, ts } = event

    const day = dayOf(ts)
    entry(daily, [day, trigger, variant], () => ({
      day, trigger, variant,
      impressions: 0, clicks: 0, dismissals: 0, snoozes: 0, upgrade_requests: 0, holdouts: 0, eligible: 0,
    }))[column] += 1

    if (event.type === 'impression' || event.type === 'holdout') {
      const exposure = entry(exposures, [trigger, variant, account], () => ({
        trigger, variant, account, first_exposed_at: ts, last_exposed_at: ts, exposures: 0,
      }))
      exposure.first_exposed_at = Math.min(exposure.first_exposed_at, ts)
      exposure.last_exposed_at = Math.max(exposure.last_exposed_at, ts)
      exposure.exposures += 1
    }

    if (event.type === 'impression' || event.type === 'dismiss' || event.type === 'snooze') {
      const state = entry(accountState, [account, trigger], () => ({
        account, trigger, impressions: 0, last_shown_at: null, dismissed_at: null, snoozed_at: null,
      }))
      if (event.type === 'impression') {
        state.impressions += 1
        state.last_shown_at = maxOf(state.last_shown_at, ts)
      } else if (event.type === 'dismiss') {
        state.dismissed_at = maxOf(state.dismissed_at, ts)
      } else {
        state.snoozed_at = maxOf(state.snoozed_at, ts)
      }
    }

    if (event.type === 'eligible') {
      const row = entry(eligibility, [trigger, account], () => ({
        trigger, account, first_eligible_at: ts, last_eligible_at: ts,
      }))
      row.first_eligible_at = Math.min(row.first_eligible_at, ts)
      row.last_eligible_at = Math.max(row.last_eligible_at, ts)
    }
  }

  return {
    daily: sortedEntries(daily, 3),
    exposures: sortedEntries(exposures, 3),
    accountState: sortedEntries(accountState, 2),
    eligibility: sortedEntries(eligibility, 2),
  }
}

/** Splits a batch into first occurrences (sorted by id, for lock ordering) and in-batch repeats. */
export function uniqueById(events: readonly NudgeEvent[]): { unique: NudgeEvent[]; repeats: number } {
  const seen = new Map<string, NudgeEvent>()
  for (const event of events) if (!seen.has(event.id)) seen.set(event.id, event)
  const unique = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { unique, repeats: events.length - unique.length }
}
