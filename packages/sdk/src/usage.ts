// Usage per metric for one account: values the host sets and client-side counters, each kept for the
// metric's current period (a counter of a monthly metric starts again from zero each month).
import type { CompiledMetric, Period } from '@nudgekit/rules/evaluator'
import type { Store } from './storage.ts'

/** Start (local time) of the period that contains `at`; 0 for metrics without a period. */
export function periodStart(period: Period | undefined, at: number): number {
  if (!period) return 0
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  if (period === 'week') date.setDate(date.getDate() - ((date.getDay() + 6) % 7))
  if (period === 'month') date.setDate(1)
  if (period === 'year') date.setMonth(0, 1)
  return date.getTime()
}

export interface Usage {
  /** Current values of the given metrics (0 for a new period or a metric never reported). */
  values(metrics: Record<string, CompiledMetric>): Record<string, number>
  /** Sets (or with `add`, adds to) the value for the metric's current period; returns the new value. */
  set(metric: string, value: number, period: Period | undefined, add?: boolean): number
}

/**
 * Usage stored under `usage:<account>` as metric → [value, period start].
 * @example const usage = createUsage(store, 'acct_1', Date.now); usage.set('api_calls', 1, 'month', true)
 */
export function createUsage(store: Store, account: string, now: () => number): Usage {
  const key = 'usage:' + account
  const all = () => store.get<Record<string, [number, number]>>(key) ?? {}
  const current = (entry: [number, number] | undefined, period: Period | undefined) =>
    entry && entry[1] === periodStart(period, now()) ? entry[0] : 0
  return {
    values(metrics) {
      const stored = all()
      const values: Record<string, number> = {}
      for (const [metric, { period }] of Object.entries(metrics)) values[metric] = current(stored[metric], period)
      return values
    },
    set(metric, value, period, add) {
      const stored = all()
      const next = add ? current(stored[metric], period) + value : value
      stored[metric] = [next, periodStart(period, now())]
      store.set(key, stored)
      return next
    },
  }
}
