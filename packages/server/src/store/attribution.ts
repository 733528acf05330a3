// Attribution: the exposure a conversion is credited to, from the exposures rollup, and from raw events when the
// rollup cannot tell.

/**
 * How every store breaks a tie between exposures at the same millisecond: a prompt the user saw before a
 * holdout exposure (which shows nothing), then trigger and variant ids in byte order (`c` is the dialect's
 * byte-order collation: PostgreSQL would otherwise use the database's, SQLite compares bytes already).
 */
const tieOrder = (c: string) => `variant = 'holdout', trigger${c}, variant${c}`

/** The dialects' ORDER BY terms after `exposed_at desc`, for the rollup and the events lookups alike. */
export const EXPOSURE_TIE_ORDER = { sqlite: tieOrder(''), postgres: tieOrder(' collate "C"') } as const

/**
 * The events lookup in a dialect: `p(n)` writes parameter n, `ties` is its `EXPOSURE_TIE_ORDER`. The ordering
 * sits outside a subquery: inside an ORDER BY expression both dialects read `variant` as the events column,
 * not the arm computed from it.
 */
const exposureEventSql = (p: (n: number) => string, ties: string) => `select trigger, variant, exposed_at from (
  select trigger, case when type = 'holdout' then 'holdout' else coalesce(variant, 'default') end as variant, ts as exposed_at
  from events where account = ${p(1)} and type in ('impression', 'holdout') and ts <= ${p(2)} and ts >= ${p(3)}
    and trigger is not null
) exposure order by exposed_at desc, ${ties} limit 1`

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
  sqlite: exposureEventSql((n) => `?${n}`, EXPOSURE_TIE_ORDER.sqlite),
  postgres: exposureEventSql((n) => `$${n}`, EXPOSURE_TIE_ORDER.postgres),
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
 * is at or before `ts` and whose last is in the window, ordered by `exposed_at` descending, then `EXPOSURE_TIE_ORDER`).
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

/** Types of CONVERSION_EXPOSURES_SQL's parameters in PostgreSQL, which would otherwise infer them from their context. */
const POSTGRES_PARAMETER_TYPES = ['bigint', 'text', 'bigint', 'text', 'text', 'double precision']

/**
 * The exposure rows' part of a conversion at `ts`, in one statement (so in PostgreSQL its cohort trigger runs once,
 * locking cohort rows in key order): every row of the account whose first exposure the conversion follows within
 * the attribution window gets `window_converted_at` (the earliest such conversion; what lift compares between a
 * trigger's variants and its holdout, whatever the credit), and the credited trigger × variant's row its
 * `converted_at`, count and MRR. Parameters: the conversion's time, the account, the window's start, the credited
 * trigger and variant (null when nothing is credited), the MRR delta.
 *
 * @example
 * statement(CONVERSION_EXPOSURES_SQL.sqlite).run(ts, account, ts - windowMs, 'contacts-80', 'a', 49)
 * await tx.unsafe(CONVERSION_EXPOSURES_SQL.postgres, [ts, account, ts - windowMs, 'contacts-80', 'a', 49])
 */
export const CONVERSION_EXPOSURES_SQL = {
  sqlite: conversionExposuresSql((n) => `?${n}`, 'min', (condition) => condition),
  // Typed parameters: PostgreSQL would otherwise type the MRR after the CASE's other branch (0, an integer).
  postgres: conversionExposuresSql((n) => `$${n}::${POSTGRES_PARAMETER_TYPES[n - 1]}`, 'least', (condition) => `(${condition})::int`),
} as const

function conversionExposuresSql(p: (n: number) => string, min: string, asInt: (condition: string) => string): string {
  const ts = p(1)
  const follows = `(first_exposed_at <= ${ts} and first_exposed_at >= ${p(3)} and (window_converted_at is null or window_converted_at > ${ts}))`
  // IS NOT DISTINCT FROM: false, not null, when nothing is credited (trigger and variant are never null).
  const credited = `(trigger is not distinct from ${p(4)} and variant is not distinct from ${p(5)})`
  return `update exposures set
    window_converted_at = case when ${follows} then ${ts} else window_converted_at end,
    converted_at = case when ${credited} then ${min}(coalesce(converted_at, ${ts}), ${ts}) else converted_at end,
    conversions = conversions + ${asInt(credited)},
    expansion_mrr = expansion_mrr + case when ${credited} then ${p(6)} else 0 end
  where account = ${p(2)} and (${follows} or ${credited})`
}
