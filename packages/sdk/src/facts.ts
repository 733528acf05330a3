// The evaluation context: account and user in the evaluator's shape, usage per metric and period (with the
// meter's view of it), and the bounded timestamps of gate hits and tracked events that `gate`/`event`
// conditions count; all persisted.
import { limitOf } from '@nudgekit/rules/evaluator'
import type { CompiledRules, EvalAccount, EvalContext, FactKey, Period } from '@nudgekit/rules/evaluator'
import type { Store } from './storage.ts'
import type { AccountInput, UsageView, UserInput } from './types.ts'

/** Timestamps kept per feature or event name: enough for any sensible `count_at_least`. */
const MAX_TIMESTAMPS = 100

/**
 * An object keyed by names callers choose (metrics, features, events): without a prototype, so `toString` or
 * `__proto__` are plain keys, never inherited members.
 */
const dict = <T>(from?: object): Record<string, T> => Object.assign(Object.create(null), from)

/** Epoch milliseconds of a Date, ISO string or number; `undefined` when absent or not a time. */
const toEpoch = (value: unknown): number | undefined => {
  // Only these types: `new Date(null)` or `new Date(true)` would read as 1970.
  const ms = value instanceof Date || typeof value === 'number' || typeof value === 'string' ? +new Date(value) : NaN
  return ms === ms ? ms : undefined
}

/**
 * Start (local time) of the period that contains `at`; 0 for metrics without a period.
 * @example periodStart('month', Date.now()) // local midnight of the 1st
 */
export function periodStart(period: Period | undefined, at: number): number {
  if (!period) return 0
  const date = new Date(at)
  date.setHours(0, 0, 0, 0)
  if (period === 'week') date.setDate(date.getDate() - ((date.getDay() + 6) % 7))
  if (period === 'month') date.setDate(1)
  if (period === 'year') date.setMonth(0, 1)
  return date.getTime()
}

export interface Facts {
  /** The context, updated in place; the caller sets `now`. */
  readonly ctx: EvalContext
  /** Loads the account+user's persisted facts (on start and on a switch) and takes their identities. */
  load(account: AccountInput, user: UserInput): void
  /** Records a gate hit or tracked event now. */
  hit(kind: 'gates' | 'events', name: string): void
  /**
   * Reads every metric's value in its current period (0 in a new period or when never reported) into
   * `ctx.usage`, adding `usage:<metric>` to `changed` for each that moved; returns the meter's views when
   * a value or limit differs from the last call.
   */
  usage(rules: CompiledRules, changed?: FactKey[]): Record<string, UsageView> | undefined
  /** Sets (or with `add`, adds to) the value for the metric's current period. */
  setUsage(metric: string, value: number, period: Period | undefined, add?: boolean): void
}

/** Usage as stored: metric → [value, start of the period it counts]. */
type StoredUsage = Record<string, [number, number]>

/**
 * The facts of one client: timestamps under `hits:<account>:<user>`, usage under `usage:<account>`.
 * @example const facts = createFacts(store, Date.now); facts.load(account, user); facts.hit('gates', 'segmentation')
 */
export function createFacts(store: Store, now: () => number, locale?: string): Facts {
  let hits = ''
  let usage = ''
  // The rules and views last returned, so an unchanged meter is not published again.
  let signature = ''
  const ctx = { usage: dict(), locale } as EvalContext
  const stored = () => dict<[number, number]>(store.get<StoredUsage>(usage))
  const current = (entry: [number, number] | undefined, period: Period | undefined) =>
    entry && entry[1] === periodStart(period, now()) ? entry[0] : 0
  return {
    ctx,
    load(account, user) {
      hits = `hits:${account.id}:${user.id}`
      usage = 'usage:' + account.id
      const saved = store.get<Pick<EvalContext, 'gates' | 'events'>>(hits)
      // New objects: the evaluator works out limits and arms once per account object.
      ctx.account = { ...account, createdAt: toEpoch(account.createdAt), renewsAt: toEpoch(account.renewsAt) } satisfies EvalAccount
      ctx.user = { ...user }
      ctx.gates = dict(saved?.gates)
      ctx.events = dict(saved?.events)
    },
    hit(kind, name) {
      ctx.now = now()
      ctx[kind][name] = [...(ctx[kind][name] ?? []), ctx.now].slice(-MAX_TIMESTAMPS)
      store.set(hits, { gates: ctx.gates, events: ctx.events })
    },
    usage(rules, changed) {
      const all = stored()
      const views: Record<string, UsageView> = {}
      for (const [metric, { label, period }] of Object.entries(rules.metrics)) {
        const used = current(all[metric], period)
        const limit = limitOf(rules, ctx.account, metric)
        if (used !== ctx.usage[metric]) changed?.push(`usage:${metric}`)
        ctx.usage[metric] = used
        views[metric] = { metric, label, used, limit, percent: limit === null ? null : limit > 0 ? (used / limit) * 100 : 100 }
      }
      const next = rules.hash + JSON.stringify(views)
      if (next !== signature) return (signature = next), views
    },
    setUsage(metric, value, period, add) {
      const all = stored()
      all[metric] = [add ? current(all[metric], period) + value : value, periodStart(period, now())]
      store.set(usage, all)
    },
  }
}
