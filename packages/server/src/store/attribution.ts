// Attribution: the exposure a conversion is credited to, from the exposures rollup, and from raw events when the
// rollup cannot tell.

/** The events lookup in a dialect: `p(n)` writes parameter n. */
const exposureEventSql = (p: (n: number) => string) => `select trigger,
    case when type = 'holdout' then 'holdout' else coalesce(variant, 'default') end as variant, ts as exposed_at
  from events where account = ${p(1)} and type in ('impression', 'holdout') and ts <= ${p(2)} and ts >= ${p(3)}
    and trigger is not null
  order by exposed_at desc, trigger, variant limit 1`

/**
 * The latest exposure event (impression or holdout) of an account at or before a time and at or after another, as a
 * `CreditedExposure`; parameters: account, the conversion's time, the window's start. Its type condition is the
 * `events_exposure` partial index's own (migrations `006` in SQLite, `004` in PostgreSQL), which the planners need
 * verbatim to use it: without the index, this would read every event.
 *
 * @example
 * statement(EXPOSURE_EVENT_SQL.sqlite).get(account, ts, ts - windowMs)
 * await tx.unsafe(EXPOSURE_EVENT_SQL.postgres, [account, ts, ts - windowMs])
 */
export const EXPOSURE_EVENT_SQL = {
  sqlite: exposureEventSql((n) => `?${n}`),
  postgres: exposureEventSql((n) => `$${n}`),
} as const

/** An exposure a conversion can be credited to. */
export interface CreditedExposure {
  trigger: string
  /** Experiment arm, or `holdout`. */
  variant: string
  exposed_at: number
}

/**
 * One `exposures` row of the account for a conversion at `ts`, as both stores read it (rows whose first exposure
 * is at or before `ts` and whose last is in the window, ordered by `exposed_at` descending, then trigger, variant).
 */
export interface RollupCandidate extends CreditedExposure {
  /** `last_exposed_at` when it is at or before `ts` (the row's latest exposure there), else `first_exposed_at`. */
  exposed_at: number
  /**
   * The row's last exposure is after `ts`, so it may have exposures between its first and `ts` that only the
   * `events` table knows (`true`/`1`; SQLite answers 0 or 1).
   */
  unresolved: boolean | number
}

/**
 * True when the rollup rows cannot name the credited exposure by themselves: some trigger × variant was
 * exposed again after the conversion (a late conversion), so its latest exposure at or before it must be read
 * from `events`.
 *
 * @example
 * needsEvents([{ trigger: 't', variant: 'a', exposed_at: T - 20 * DAY, unresolved: 1 }]) // true
 */
export function needsEvents(rows: readonly RollupCandidate[]): boolean {
  return rows.some((row) => Boolean(row.unresolved))
}

/**
 * The exposure to credit: the latest at or before the conversion and at or after `since` (the window's start),
 * from the rollup `rows` and, when `needsEvents(rows)`, the latest such exposure found in `events` (`event`,
 * undefined when none). `events` holds every exposure, so its answer wins a tie (its own order broke the tie
 * among all exposures at that time); the rollup's answer stands when it is later, which happens only when raw
 * events in the window were deleted.
 *
 * @example
 * credited(rows, ts - windowMs, needsEvents(rows) ? latestExposureEvent() : undefined)
 * // { trigger: 'contacts-80', variant: 'b', exposed_at: 1773144000000 }, or undefined: nothing to credit
 */
export function credited(
  rows: readonly RollupCandidate[],
  since: number,
  event: CreditedExposure | undefined,
): CreditedExposure | undefined {
  const best = rows[0] !== undefined && rows[0].exposed_at >= since ? rows[0] : undefined
  const chosen = event !== undefined && (best === undefined || event.exposed_at >= best.exposed_at) ? event : best
  return chosen && { trigger: chosen.trigger, variant: chosen.variant, exposed_at: chosen.exposed_at }
}
