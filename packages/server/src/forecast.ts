// Forecast: expected expansion MRR from accounts eligible now, per trigger (eligible × observed rate × MRR delta).
import { resolveTarget, type CompiledRules, type CompiledTrigger } from '@nudgekit/rules/evaluator'
import { monthlyPrice } from './conversion-value.ts'
import { DAY_MS, startOfDay } from './stats/days.ts'
import type { ForecastRow, TriggerAggregate } from './stats/types.ts'
import type { EligibleCount, Store } from './store/types.ts'

/** How far back the forecast looks for observed conversion rates: 90 whole UTC days before today, and today. */
export const FORECAST_LOOKBACK_MS = 90 * DAY_MS

export interface Forecast {
  /** Accounts count as eligible with an `eligible` event since then (one attribution window ago). */
  eligibleSince: number
  /** Conversion rates are observed on exposures since then. */
  ratesSince: number
  rows: ForecastRow[]
}

/**
 * MRR delta of a trigger's target for a typical account of its audience (the first audience plan, else the
 * bottom of the ladder); `undefined` when the target cannot be resolved.
 */
export function targetMrrDelta(rules: CompiledRules, trigger: CompiledTrigger): number | undefined {
  const plan = trigger.audience.plans?.[0] ?? rules.plans[0]?.id
  if (plan === undefined) return undefined
  const target = resolveTarget(rules, trigger, { id: 'forecast', plan })
  if (!target) return undefined
  if (target.kind === 'addon') return monthlyPrice(target.price)
  const current = rules.plans.find((p) => p.id === plan)
  return monthlyPrice(target.price) - (current ? monthlyPrice(current.price) : 0)
}

/**
 * One row per trigger of the rules: eligible accounts not yet converted × the conversion rate observed in
 * `aggregates` (all variants) × the target's MRR delta (the observed MRR per conversion when the target
 * cannot be resolved).
 * @example buildForecast(rules, await store.eligibleAccounts(since), await store.aggregates(last90Days))
 */
export function buildForecast(rules: CompiledRules, eligible: EligibleCount[], aggregates: TriggerAggregate[]): ForecastRow[] {
  return rules.triggers.map((trigger) => {
    const rows = aggregates.filter((a) => a.trigger === trigger.id)
    const reached = rows.reduce((sum, a) => sum + a.accounts_reached, 0)
    const conversions = rows.reduce((sum, a) => sum + a.conversions, 0)
    const observedMrr = rows.reduce((sum, a) => sum + a.expansion_mrr, 0)
    const conversionRate = reached > 0 ? conversions / reached : 0
    const mrrDelta = targetMrrDelta(rules, trigger) ?? (conversions > 0 ? observedMrr / conversions : 0)
    const eligibleAccounts = eligible.find((e) => e.trigger === trigger.id)?.accounts ?? 0
    return {
      trigger: trigger.id,
      eligible_accounts: eligibleAccounts,
      conversion_rate: conversionRate,
      mrr_delta: mrrDelta,
      expected_mrr: Math.round(eligibleAccounts * conversionRate * mrrDelta * 100) / 100,
    }
  })
}

/**
 * The windows of a forecast made at `now`: eligible since one attribution window ago, rates since the start
 * of the UTC day 90 days before today.
 * @example forecastWindows(rules, Date.UTC(2026, 2, 15, 12)) // { eligibleSince: 1 March 12:00, ratesSince: 15 December 00:00 }
 */
export function forecastWindows(rules: Pick<CompiledRules, 'attribution'>, now: number): Pick<Forecast, 'eligibleSince' | 'ratesSince'> {
  // Whole UTC days, so the rates come from the daily rollups alone: a range starting or ending inside a day
  // also reads that day's exposures (at 10M events, most of the forecast's time).
  return { eligibleSince: now - rules.attribution.windowMs, ratesSince: startOfDay(now) - FORECAST_LOOKBACK_MS }
}

/**
 * The forecast now: accounts eligible within the attribution window, rates over the last 90 whole UTC days and today.
 * @example const { rows } = await forecastFrom(store, rules.current(), Date.now())
 */
export async function forecastFrom(store: Store, rules: CompiledRules, now: number): Promise<Forecast> {
  const { eligibleSince, ratesSince } = forecastWindows(rules, now)
  const today = startOfDay(now)
  const [eligible, aggregates] = await Promise.all([
    store.eligibleAccounts(eligibleSince),
    store.aggregates({ from: ratesSince, to: today + DAY_MS }),
  ])
  return { eligibleSince, ratesSince, rows: buildForecast(rules, eligible, aggregates) }
}
