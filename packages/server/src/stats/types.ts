// The stats contract: one row per trigger × variant, as GET /v1/stats returns it (DESIGN.md).

/** The funnel of one trigger × variant: what the rollups count and every stats row repeats. */
export interface FunnelCounts {
  trigger: string
  /** Experiment arm; `default` when the trigger has no experiment. */
  variant: string
  impressions: number
  /** Accounts first exposed in the range (the cohort). */
  accounts_reached: number
  clicks: number
  dismissals: number
  /** "Remind me later" (`snooze` events), apart from dismissals ("go away"). */
  snoozes: number
  upgrade_requests: number
  /**
   * Reached accounts that converted with credit to this trigger × variant (the latest exposure before the
   * conversion gets it): what the prompt is credited with, so triggers' conversions and MRR add up.
   */
  conversions: number
  /**
   * Reached accounts that converted within the attribution window after their first exposure to this trigger ×
   * variant, whichever exposure got the credit: measured as for the holdout, so the two compare (lift).
   */
  reached_conversions: number
  expansion_mrr: number
}

export interface StatsRow extends FunnelCounts {
  /** Acceptance: conversions (credited) / accounts reached. */
  conversion_rate: number
  /** Wilson 95 % interval. */
  conversion_rate_ci: [number, number]
  /** reached_conversions / accounts reached: the rate lift compares with the holdout's. */
  reached_conversion_rate: number
  /**
   * The share of the trigger's holdout accounts that converted within the attribution window after their holdout
   * exposure (null without a holdout or without data).
   */
  holdout_rate: number | null
  /** reached_conversion_rate − holdout_rate. */
  lift: number | null
  lift_ci: [number, number] | null
  /** Two-proportion z-test, two-sided. */
  p_value: number | null
  median_days_to_convert: number | null
  /** Accounts of the trigger held out in the range (0 without a holdout); the same on each of its rows. */
  holdout_accounts: number
  /** Of those, the accounts that converted within the attribution window after their holdout exposure. */
  holdout_conversions: number
}

export interface StatsResult {
  /** ISO dates (YYYY-MM-DD), inclusive. */
  from: string
  to: string
  rows: StatsRow[]
}

/** One day of one trigger's funnel, for the dashboard's daily series. */
export interface DailyPoint {
  day: string
  trigger: string
  impressions: number
  clicks: number
  conversions: number
}

export interface ForecastRow {
  trigger: string
  eligible_accounts: number
  conversion_rate: number
  mrr_delta: number
  expected_mrr: number
}

/**
 * Raw counts for one trigger × variant over a date range, read from the rollups. `buildStats` turns
 * these into `StatsRow`s (rates, intervals, lift, p-value).
 */
export interface TriggerAggregate extends FunnelCounts {
  /** Days from first exposure to conversion, one entry per converted account. */
  days_to_convert: number[]
  /** Accounts of this trigger held out (exposure `holdout`), and how many of them converted. */
  holdout_accounts: number
  holdout_conversions: number
}

/** Date range of a stats query, epoch milliseconds, `to` exclusive. */
export interface StatsFilter {
  from: number
  to: number
  trigger?: string
}
