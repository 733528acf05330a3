// Assembles TriggerAggregate rows from the three rollup reads both stores make.
import type { TriggerAggregate } from '../stats/types.ts'

/** Funnel counts per trigger × variant from `daily_counts`. */
export interface CountRow {
  trigger: string
  variant: string
  impressions: number
  clicks: number
  dismissals: number
  upgrade_requests: number
}

/** First-exposure cohort per trigger × variant from `exposures` (variant `holdout` = held-out accounts). */
export interface CohortRow {
  trigger: string
  variant: string
  accounts: number
  converted: number
  expansion_mrr: number
}

/** One converted account of a cohort: milliseconds from first exposure to conversion. */
export interface ConvertedRow {
  trigger: string
  variant: string
  ms: number
}

const DAY_MS = 86_400_000

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
        impressions: 0, accounts_reached: 0, clicks: 0, dismissals: 0, upgrade_requests: 0,
        conversions: 0, expansion_mrr: 0, days_to_convert: [], holdout_accounts: 0, holdout_conversions: 0,
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
    aggregate.holdout_conversions = holdout?.converted ?? 0
    aggregate.days_to_convert.sort((a, b) => a - b)
  }
  return result
}
