// A reference model of the server's answers, computed from the raw requests by the documented semantics (no rollups).
import { diffCi, twoProportionPValue, wilson } from '../stats/math.ts'
import type { StatsRow } from '../stats/types.ts'

const DAY = 86_400_000
/** Events are accepted from 30 days before to 1 day after the server clock (DESIGN.md, openapi.json). */
const MAX_AGE = 30 * DAY
const MAX_FUTURE = DAY
const EARLIEST_CONVERSION = Date.UTC(2000, 0, 1)
const RANGE_DAYS = 30
const UUIDV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i
const TRIGGER_TYPES = new Set(['impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible'])
/** The fields an event type needs besides id, type, ts, account and user. */
const NEEDS: Record<string, readonly string[]> = {
  ...Object.fromEntries([...TRIGGER_TYPES].map((type) => [type, ['trigger']])),
  gate_hit: ['feature'],
  usage: ['metric', 'value'],
  track: ['event'],
}
/** Event types that put a trigger × variant in the stats of their day (its prompt's funnel and eligibility). */
const FUNNEL_TYPES = new Set(['impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'eligible'])
const EXPOSURE_TYPES = new Set(['impression', 'holdout'])

/** An event as a client sends it. */
export interface SentEvent {
  id: string
  type: string
  ts: number
  account: string
  user: string
  trigger?: string
  variant?: string
  [field: string]: unknown
}

/** A conversion body as billing sends it. */
export interface SentConversion {
  id: string
  account: string
  to: string
  mrr_delta?: number
  ts?: number | string
}

export interface StatsQuery {
  from?: string
  to?: string
  trigger?: string
}

export interface ModelOptions {
  now: number
  windowMs: number
  /** Trigger id → its variant names (`default` without an experiment). */
  triggers: Record<string, readonly string[]>
  /** The triggers that hold accounts out: only their events may name the `holdout` arm. */
  holdouts: readonly string[]
  /** Default MRR of a conversion to each plan or add-on: its monthly price minus the plan below it. */
  prices: Record<string, number>
}

export interface Credit {
  trigger: string
  variant: string
  exposed_at: string
}

export type ConversionAnswer =
  /** `warnings`: their codes, when there are some. */
  | { status: 201 | 200; credited: Credit | null; mrr_delta: number; ts: string; duplicate: boolean; warnings?: string[] }
  | { status: 400 | 409 }

/** A stats row as the model expects it: the contract's shape, every value computed here. */
export type ExpectedRow = StatsRow

export type StatsAnswer = { status: 200; body: { from: string; to: string; rows: ExpectedRow[] } } | { status: 400 }

export interface Model {
  /** Applies a batch sent with publishable key number `key`; the 202 body it should get. */
  events(key: number, batch: readonly SentEvent[]): { accepted: number; duplicates: number; rejected: number[] }
  conversion(body: SentConversion): ConversionAnswer
  stats(query: StatsQuery): StatsAnswer
  /** `GET /v1/state`'s `triggers` for an account. */
  state(account: string): Record<string, Record<string, number>>
}

interface Stored {
  account: string
  to: string
  mrr: number
  ts: number
  credit: { trigger: string; variant: string; exposedAt: number } | null
  /**
   * The trigger × variant pairs (`trigger\u0000variant`) whose first exposure, among the events received when the
   * conversion was recorded, is at or before it and within the window: the conversion counts for them in lift.
   */
  followed: Set<string>
}

const variantOf = (event: SentEvent): string => (event.type === 'holdout' ? 'holdout' : (event.variant ?? 'default'))
const dayStart = (ms: number) => Math.floor(ms / DAY) * DAY
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A fresh model of an empty store behind a handler whose clock reads `now`.
 * @example const model = createModel({ now, windowMs: 3 * DAY, triggers: { t: ['default'] }, holdouts: [], prices: { pro: 49 } })
 */
export function createModel(options: ModelOptions): Model {
  const { now, windowMs, triggers, holdouts, prices } = options
  const seen = new Set<string>()
  const events: SentEvent[] = []
  const conversions = new Map<string, Stored>()

  const rejects = (event: SentEvent): boolean => {
    if (!UUIDV7.test(event.id) || !Number.isSafeInteger(event.ts)) return true
    if (event.ts < now - MAX_AGE || event.ts > now + MAX_FUTURE) return true
    if (NEEDS[event.type]!.some((field) => event[field] === undefined)) return true
    // A held-out account sees no prompt: it sends `eligible` and the `holdout` exposure, with no other arm.
    if (event.type === 'holdout' ? event.variant !== undefined && event.variant !== 'holdout' : event.variant === 'holdout' && event.type !== 'eligible') {
      return true
    }
    if (event.trigger === undefined) return false
    const variants = triggers[event.trigger]
    if (!variants) return true
    // A holdout exposure is in the holdout arm, sent or not.
    const arm = event.type === 'holdout' ? 'holdout' : event.variant
    if (arm === 'holdout') return !holdouts.includes(event.trigger)
    // An event of a trigger that runs an experiment (has no 'default' arm) names its arm.
    return !variants.includes(arm ?? 'default')
  }

  /**
   * The latest exposure of the account at or before `ts` and in the window; ties go to a prompt shown over a
   * holdout exposure, then to the first trigger, then variant (byte order).
   */
  const credit = (account: string, ts: number): Stored['credit'] => {
    let best: SentEvent | undefined
    for (const e of events) {
      if (!EXPOSURE_TYPES.has(e.type) || e.account !== account || e.ts > ts || e.ts < ts - windowMs) continue
      const tie = () => Number(variantOf(e) === 'holdout') - Number(variantOf(best!) === 'holdout') ||
        byString(e.trigger!, best!.trigger!) || byString(variantOf(e), variantOf(best!))
      if (!best || e.ts > best.ts || (e.ts === best.ts && tie() < 0)) {
        best = e
      }
    }
    return best ? { trigger: best.trigger!, variant: variantOf(best), exposedAt: best.ts } : null
  }

  /** Pairs (`trigger\u0000variant`) of the account whose first exposure is in [ts − window, ts], from the events so far. */
  const followed = (account: string, ts: number): Set<string> => {
    const pairs = [...firstExposures()].filter(([, accounts]) => {
      const at = accounts.get(account)
      return at !== undefined && at <= ts && at >= ts - windowMs
    })
    return new Set(pairs.map(([pair]) => pair))
  }

  /** Each trigger × variant's (`trigger\u0000variant`) accounts and the time of their first exposure, from the events so far. */
  const firstExposures = (): Map<string, Map<string, number>> => {
    const first = new Map<string, Map<string, number>>()
    for (const e of events) {
      if (!EXPOSURE_TYPES.has(e.type)) continue
      const pair = `${e.trigger}\u0000${variantOf(e)}`
      const accounts = first.get(pair) ?? first.set(pair, new Map()).get(pair)!
      accounts.set(e.account, Math.min(accounts.get(e.account) ?? Infinity, e.ts))
    }
    return first
  }

  /** Accounts first exposed to trigger × variant in [from, to), with what their credited conversions add. */
  const cohort = (trigger: string, variant: string, from: number, to: number) => {
    const pair = `${trigger}\u0000${variant}`
    let accounts = 0
    let converted = 0
    let windowConverted = 0
    let cents = 0
    const days: number[] = []
    for (const [account, exposedAt] of firstExposures().get(pair) ?? []) {
      if (exposedAt < from || exposedAt >= to) continue
      accounts++
      if ([...conversions.values()].some((c) => c.account === account && c.followed.has(pair))) windowConverted++
      const credited = [...conversions.values()].filter((c) =>
        c.account === account && c.credit?.trigger === trigger && c.credit.variant === variant)
      if (credited.length === 0) continue
      converted++
      cents += credited.reduce((sum, c) => sum + Math.round(c.mrr * 100), 0)
      days.push((Math.min(...credited.map((c) => c.ts)) - exposedAt) / DAY)
    }
    return { accounts, converted, windowConverted, mrr: cents / 100, days: days.sort((a, b) => a - b) }
  }

  const row = (trigger: string, variant: string, from: number, to: number): ExpectedRow => {
    const count = (type: string) => events.filter((e) =>
      e.type === type && e.trigger === trigger && variantOf(e) === variant && e.ts >= from && e.ts < to).length
    const reached = cohort(trigger, variant, from, to)
    const held = cohort(trigger, 'holdout', from, to)
    const rate = reached.accounts > 0 ? reached.converted / reached.accounts : 0
    const reachedRate = reached.accounts > 0 ? reached.windowConverted / reached.accounts : 0
    const holdoutRate = held.accounts > 0 ? held.windowConverted / held.accounts : null
    const compared = holdoutRate !== null && reached.accounts > 0
    const middle = reached.days.length >> 1
    return {
      trigger,
      variant,
      impressions: count('impression'),
      accounts_reached: reached.accounts,
      clicks: count('click'),
      dismissals: count('dismiss'),
      snoozes: count('snooze'),
      upgrade_requests: count('upgrade_requested'),
      conversions: reached.converted,
      conversion_rate: rate,
      conversion_rate_ci: wilson(reached.converted, reached.accounts),
      reached_conversions: reached.windowConverted,
      reached_conversion_rate: reachedRate,
      holdout_rate: holdoutRate,
      lift: compared ? reachedRate - holdoutRate : null,
      lift_ci: compared ? diffCi(reached.windowConverted, reached.accounts, held.windowConverted, held.accounts) : null,
      p_value: compared ? twoProportionPValue(reached.windowConverted, reached.accounts, held.windowConverted, held.accounts) : null,
      expansion_mrr: reached.mrr,
      median_days_to_convert: reached.days.length === 0 ? null
        : reached.days.length % 2 === 1 ? reached.days[middle]! : (reached.days[middle - 1]! + reached.days[middle]!) / 2,
      holdout_accounts: held.accounts,
      holdout_conversions: held.windowConverted,
    }
  }

  return {
    events(key, batch) {
      let accepted = 0
      let duplicates = 0
      const rejected: number[] = []
      batch.forEach((event, index) => {
        if (rejects(event)) return void rejected.push(index)
        const id = `${key}:${event.id}`
        if (seen.has(id)) return void duplicates++
        seen.add(id)
        events.push(event)
        accepted++
      })
      return { accepted, duplicates, rejected }
    },

    conversion(body) {
      const ts = body.ts === undefined ? now : typeof body.ts === 'number' ? body.ts : Date.parse(body.ts)
      if (ts < EARLIEST_CONVERSION || ts > now + DAY) return { status: 400 }
      const mrr = body.mrr_delta ?? prices[body.to]
      if (mrr === undefined) return { status: 400 }
      const stored = conversions.get(body.id)
      if (stored) {
        const conflict = stored.account !== body.account || stored.to !== body.to
          || (body.mrr_delta !== undefined && body.mrr_delta !== stored.mrr) || (body.ts !== undefined && ts !== stored.ts)
        return conflict ? { status: 409 } : answer(stored, true, body)
      }
      const recorded: Stored = {
        account: body.account, to: body.to, mrr, ts, credit: credit(body.account, ts), followed: followed(body.account, ts),
      }
      conversions.set(body.id, recorded)
      return answer(recorded, false, body)
    },

    stats(query) {
      const from = query.from === undefined ? undefined : Date.parse(`${query.from}T00:00:00Z`)
      const to = query.to === undefined ? undefined : Date.parse(`${query.to}T00:00:00Z`)
      const lastDay = to ?? Math.max(from ?? -Infinity, dayStart(now))
      const firstDay = from ?? lastDay - (RANGE_DAYS - 1) * DAY
      if (firstDay > lastDay) return { status: 400 }
      const end = lastDay + DAY
      const keys = new Set<string>()
      const inRange = (trigger: string, variant: string, ts: number) => {
        if (variant === 'holdout' || ts < firstDay || ts >= end) return
        if (query.trigger === undefined || query.trigger === trigger) keys.add(`${trigger}\u0000${variant}`)
      }
      for (const e of events) if (e.trigger !== undefined && FUNNEL_TYPES.has(e.type)) inRange(e.trigger, variantOf(e), e.ts)
      for (const c of conversions.values()) if (c.credit) inRange(c.credit.trigger, c.credit.variant, c.ts)
      const rows = [...keys].sort().map((key) => {
        const [trigger, variant] = key.split('\u0000') as [string, string]
        return row(trigger, variant, firstDay, end)
      })
      return { status: 200, body: { from: isoDay(firstDay), to: isoDay(lastDay), rows } }
    },

    state(account) {
      const out: Record<string, Record<string, number>> = {}
      const of = (trigger: string) => (out[trigger] ??= { impressions: 0 })
      for (const e of events) {
        if (e.account !== account || e.trigger === undefined) continue
        const state = e.type === 'impression' || e.type === 'dismiss' || e.type === 'snooze' ? of(e.trigger) : undefined
        if (!state) continue
        if (e.type === 'impression') {
          state.impressions! += 1
          state.lastShownAt = Math.max(state.lastShownAt ?? -Infinity, e.ts)
        } else if (e.type === 'dismiss') {
          state.dismissedAt = Math.max(state.dismissedAt ?? -Infinity, e.ts)
        } else {
          // Without snooze_on_dismiss in the rules, a snooze lasts a day and a dismissal snoozes nothing.
          state.snoozedUntil = Math.max(state.snoozedUntil ?? -Infinity, e.ts + DAY)
        }
      }
      for (const c of conversions.values()) {
        if (c.account !== account || !c.credit) continue
        const state = of(c.credit.trigger)
        state.acceptedAt = Math.max(state.acceptedAt ?? -Infinity, c.ts)
      }
      return out
    },
  }

  function answer(stored: Stored, duplicate: boolean, body: SentConversion): ConversionAnswer {
    const credited = stored.credit && {
      trigger: stored.credit.trigger, variant: stored.credit.variant, exposed_at: new Date(stored.credit.exposedAt).toISOString(),
    }
    const recorded = { status: duplicate ? 200 : 201, credited, mrr_delta: stored.mrr, ts: new Date(stored.ts).toISOString(), duplicate } as const
    // A target the rules lack is recorded with the mrr_delta sent (billing may report a legacy plan), and said.
    return Object.hasOwn(prices, body.to) ? recorded : { ...recorded, warnings: ['unknown_target'] }
  }
}
