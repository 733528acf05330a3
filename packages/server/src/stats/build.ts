// A stats request end to end: query parameters → StatsFilter, and rollup aggregates → StatsResult rows.
import { statsQuerySchema } from '../http/schemas.ts'
import { diffCi, median, twoProportionPValue, wilson } from './math.ts'
import { DAY_MS, formatDay, parseDay, startOfDay } from './days.ts'
import type { StatsFilter, StatsResult, StatsRow, TriggerAggregate } from './types.ts'

/** Days covered when the query names no range: the last 30, today included. */
export const DEFAULT_RANGE_DAYS = 30

/** Longest range a query may ask for (three years), so one request cannot scan an unbounded history. */
export const MAX_RANGE_DAYS = 3 * 366

/** One problem with a stats query, ready for a 400 body or a CLI line. */
export interface StatsQueryIssue {
  code: 'invalid_date' | 'invalid_range' | 'range_too_long' | 'invalid_trigger'
  /** The query parameter at fault. */
  path: 'from' | 'to' | 'trigger'
  message: string
  hint: string
}

export type StatsQueryResult = { ok: true; filter: StatsFilter } | { ok: false; issues: StatsQueryIssue[] }

/**
 * Reads `from`, `to` (inclusive UTC days, YYYY-MM-DD) and `trigger` (trimmed, 1 to 200 characters,
 * no NUL or unpaired surrogate) from a query string. Without dates the range is the last 30 days up
 * to today; with one date the other is filled in. Every problem is reported at once.
 *
 * @example
 * const parsed = parseStatsQuery(new URL(request.url).searchParams)
 * if (!parsed.ok) return Response.json({ error: 'invalid_query', issues: parsed.issues }, { status: 400 })
 * const rows = buildStats(await store.aggregates(parsed.filter), parsed.filter)
 */
export function parseStatsQuery(params: URLSearchParams, now: number = Date.now()): StatsQueryResult {
  const issues: StatsQueryIssue[] = []
  const from = readDay(params, 'from', issues)
  const to = readDay(params, 'to', issues)
  const trigger = readTrigger(params, issues)
  if (issues.length > 0) return { ok: false, issues }

  const lastDay = to ?? (from !== undefined ? Math.max(from, startOfDay(now)) : startOfDay(now))
  const firstDay = from ?? lastDay - (DEFAULT_RANGE_DAYS - 1) * DAY_MS
  if (firstDay > lastDay) {
    return {
      ok: false,
      issues: [
        {
          code: 'invalid_range',
          path: 'from',
          message: `from (${formatDay(firstDay)}) is after to (${formatDay(lastDay)})`,
          hint: 'Swap the dates, or pass a from date on or before the to date',
        },
      ],
    }
  }
  const days = (lastDay - firstDay) / DAY_MS + 1
  if (days > MAX_RANGE_DAYS) {
    return {
      ok: false,
      issues: [
        {
          code: 'range_too_long',
          path: 'from',
          message: `the range covers ${days} days, more than the ${MAX_RANGE_DAYS} allowed`,
          hint: 'Ask for at most three years at a time',
        },
      ],
    }
  }
  const filter: StatsFilter = { from: firstDay, to: lastDay + DAY_MS }
  if (trigger !== undefined) filter.trigger = trigger
  return { ok: true, filter }
}

/** The trigger id, trimmed and checked by the rule openapi.json documents for it (statsQuerySchema). */
function readTrigger(params: URLSearchParams, issues: StatsQueryIssue[]): string | undefined {
  const text = params.get('trigger')
  if (text === null) return undefined
  const checked = statsQuerySchema.shape.trigger.safeParse(text)
  if (checked.success) return checked.data
  issues.push({
    code: 'invalid_trigger',
    path: 'trigger',
    message: checked.error.issues[0]!.message,
    hint: 'Pass a trigger id from the rules file, or leave trigger out for every trigger',
  })
  return undefined
}

function readDay(params: URLSearchParams, name: 'from' | 'to', issues: StatsQueryIssue[]): number | undefined {
  const text = params.get(name)
  if (text === null) return undefined
  const day = parseDay(text)
  if (day === undefined) {
    issues.push({
      code: 'invalid_date',
      path: name,
      // Echoed only when short and printable: the text goes into JSON bodies, terminals and logs.
      message: `${name}${/^[\x20-\x7e]{1,32}$/.test(text) ? ` '${text}'` : ''} is not a calendar date in the form YYYY-MM-DD`,
      hint: 'Use a UTC day such as 2026-01-31',
    })
  }
  return day
}

/**
 * Turns the rollup counts of each trigger × variant into stats rows: conversion rate (credited) with its
 * Wilson 95 % interval; the reached accounts' and the holdout's rates of conversion within the window after
 * first exposure, the absolute lift between them with Newcombe's 95 % interval and the pooled z-test p-value
 * (null without holdout accounts); expansion MRR and the median days to convert. Rows come
 * sorted by trigger, then variant; `from` and `to` are the inclusive UTC days of the filter.
 *
 * @example
 * buildStats([{ trigger: 'contacts-80', variant: 'a', accounts_reached: 100, conversions: 12, … }], filter)
 * // { from: '2026-01-01', to: '2026-01-30', rows: [{ conversion_rate: 0.12, conversion_rate_ci: [0.0700, 0.1981], … }] }
 */
export function buildStats(aggregates: TriggerAggregate[], filter: StatsFilter): StatsResult {
  const rows = aggregates
    .filter((aggregate) => filter.trigger === undefined || aggregate.trigger === filter.trigger)
    .map(buildRow)
    .sort((a, b) => compare(a.trigger, b.trigger) || compare(a.variant, b.variant))
  return { from: formatDay(filter.from), to: formatDay(filter.to - 1), rows }
}

function buildRow(aggregate: TriggerAggregate): StatsRow {
  const reached = aggregate.accounts_reached
  // A conversion credited in the range may come from an account first reached before it; the
  // rate is a share of the accounts reached in the range, so it cannot pass 1.
  const converted = Math.min(aggregate.conversions, reached)
  const rate = reached > 0 ? converted / reached : 0
  // Lift compares conversions counted the same way on both sides: within the window after first exposure,
  // whichever exposure was credited (credit alone would favour the side whose placement other prompts share).
  const reachedConverted = Math.min(aggregate.reached_conversions, reached)
  const reachedRate = reached > 0 ? reachedConverted / reached : 0
  const holdout = aggregate.holdout_accounts
  const holdoutConverted = Math.min(aggregate.holdout_conversions, holdout)
  const holdoutRate = holdout > 0 ? holdoutConverted / holdout : null
  const compared = holdoutRate !== null && reached > 0
  return {
    trigger: aggregate.trigger,
    variant: aggregate.variant,
    impressions: aggregate.impressions,
    accounts_reached: reached,
    clicks: aggregate.clicks,
    dismissals: aggregate.dismissals,
    snoozes: aggregate.snoozes,
    upgrade_requests: aggregate.upgrade_requests,
    conversions: aggregate.conversions,
    conversion_rate: rate,
    conversion_rate_ci: wilson(converted, reached),
    reached_conversions: reachedConverted,
    reached_conversion_rate: reachedRate,
    holdout_rate: holdoutRate,
    lift: compared ? reachedRate - holdoutRate : null,
    lift_ci: compared ? diffCi(reachedConverted, reached, holdoutConverted, holdout) : null,
    p_value: compared ? twoProportionPValue(reachedConverted, reached, holdoutConverted, holdout) : null,
    expansion_mrr: Math.round(aggregate.expansion_mrr * 100) / 100,
    median_days_to_convert: median(aggregate.days_to_convert),
    holdout_accounts: holdout,
    holdout_conversions: holdoutConverted,
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
