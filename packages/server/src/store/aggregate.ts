// Assembles TriggerAggregate rows from the three rollup reads both stores make, and splits cohort ranges.
import type { TriggerAggregate } from '../stats/types.ts'
import { dayOf } from './rollup.ts'

/** Funnel counts per trigger × variant from `daily_counts`. */
export interface CountRow {
  trigger: string
  variant: string
  impressions: number
  clicks: number
  dismissals: number
  snoozes: number
  upgrade_requests: number
}

/** First-exposure cohort per trigger × variant from `exposures` (variant `holdout` = held-out accounts). */
export interface CohortRow {
  trigger: string
  variant: string
  accounts: number
  /** Accounts with a conversion credited to this trigger × variant. */
  converted: number
  expansion_mrr: number
  /** Accounts that converted within the attribution window after their first exposure, whatever the credit. */
  window_converted: number
}

/** One converted account of a cohort: milliseconds from first exposure to conversion. */
export interface ConvertedRow {
  trigger: string
  variant: string
  ms: number
}

const DAY_MS = 86_400_000

/** Where a cohort read finds the accounts first exposed in `[from, to)`. */
export interface CohortRange {
  /** Whole UTC days `[fromDay, toDay)` read from the `cohorts` rollup (empty when fromDay = toDay). */
  fromDay: string
  toDay: string
  /** Two `[from, to)` millisecond spans read from `exposures`: the partial days at either end (often empty). */
  edges: [number, number, number, number]
}

/**
 * Splits a cohort filter into whole days, read from the `cohorts` rollup, and the partial days at its ends,
 * read from `exposures` by first exposure. Filters from `GET /v1/stats` are whole days: no partial ends.
 *
 * @example
 * cohortRange({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 3) })
 * // { fromDay: '2026-01-01', toDay: '2026-01-03', edges: [from, from, to, to] }
 */
export function cohortRange(filter: { from: number; to: number }): CohortRange {
  const fullFrom = Math.ceil(filter.from / DAY_MS) * DAY_MS
  const fullTo = Math.floor(filter.to / DAY_MS) * DAY_MS
  if (fullFrom >= fullTo) {
    const day = dayOf(filter.from)
    return { fromDay: day, toDay: day, edges: [filter.from, filter.to, filter.to, filter.to] }
  }
  return { fromDay: dayOf(fullFrom), toDay: dayOf(fullTo), edges: [filter.from, fullFrom, fullTo, filter.to] }
}

/**
 * One aggregate per trigger × prompt variant seen in either the funnel counts or the cohort, sorted by
 * trigger then variant; the trigger's holdout cohort is repeated on each of its rows.
 */
export function assembleAggregates(counts: CountRow[], cohorts: CohortRow[], converted: ConvertedRow[]): TriggerAggregate[] {
  const rows = new Map<string, TriggerAggregate>()
  const holdouts = new Map<string, CohortRow>()
  const row = (trigger: string, variant: string): TriggerAggregate => {
    const key = `${trigger}\u0000${variant}`
    let aggregate = rows.get(key)
    if (!aggregate) {
      aggregate = {
        trigger, variant,
        impressions: 0, accounts_reached: 0, clicks: 0, dismissals: 0, snoozes: 0, upgrade_requests: 0,
        conversions: 0, reached_conversions: 0, expansion_mrr: 0, days_to_convert: [], holdout_accounts: 0,
        holdout_conversions: 0,
      }
      rows.set(key, aggregate)
    }
    return aggregate
  }

  for (const count of counts) {
    if (count.variant === 'holdout') continue
    Object.assign(row(count.trigger, count.variant), {
      impressions: count.impressions,
      clicks: count.clicks,
      dismissals: count.dismissals,
      snoozes: count.snoozes,
      upgrade_requests: count.upgrade_requests,
    })
  }
  for (const cohort of cohorts) {
    if (cohort.variant === 'holdout') {
      holdouts.set(cohort.trigger, cohort)
      continue
    }
    Object.assign(row(cohort.trigger, cohort.variant), {
      accounts_reached: cohort.accounts,
      conversions: cohort.converted,
      reached_conversions: cohort.window_converted,
      expansion_mrr: cohort.expansion_mrr,
    })
  }
  for (const account of converted) {
    if (account.variant === 'holdout') continue
    row(account.trigger, account.variant).days_to_convert.push(account.ms / DAY_MS)
  }

  const result = [...rows.values()].sort((a, b) =>
    a.trigger === b.trigger ? (a.variant < b.variant ? -1 : 1) : a.trigger < b.trigger ? -1 : 1,
  )
  for (const aggregate of result) {
    const holdout = holdouts.get(aggregate.trigger)
    aggregate.holdout_accounts = holdout?.accounts ?? 0
    aggregate.holdout_conversions = holdout?.window_converted ?? 0
    aggregate.days_to_convert.sort((a, b) => a - b)
  }
  return result
}
