import { describe, expect, it } from 'vitest'
import { buildStats, MAX_RANGE_DAYS, parseStatsQuery } from './build.ts'
import type { StatsFilter, TriggerAggregate } from './types.ts'

const january: StatsFilter = { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1) }

function aggregate(overrides: Partial<TriggerAggregate>): TriggerAggregate {
  return {
    trigger: 'contacts-80',
    variant: 'a',
    impressions: 0,
    accounts_reached: 0,
    clicks: 0,
    dismissals: 0,
    snoozes: 0,
    upgrade_requests: 0,
    conversions: 0,
    expansion_mrr: 0,
    days_to_convert: [],
    holdout_accounts: 0,
    holdout_conversions: 0,
    // Unless a test says otherwise, every conversion after exposure was credited to the prompt.
    reached_conversions: overrides.conversions ?? 0,
    ...overrides,
  }
}

describe('buildStats', () => {
  it('computes the conversion rate with its Wilson interval, lift, lift interval and p-value', () => {
    const { rows } = buildStats(
      [aggregate({ accounts_reached: 70, conversions: 56, holdout_accounts: 80, holdout_conversions: 48 })],
      january,
    )
    const row = rows[0]!
    // 56/70 = 0.8 with Wilson [0.6918, 0.8770]; holdout 48/80 = 0.6; lift 0.2 with Newcombe [0.0524, 0.3339]; z = 2.650, p = 0.008045
    expect(row.conversion_rate).toBe(0.8)
    expect(row.conversion_rate_ci[0]).toBeCloseTo(0.6918, 4)
    expect(row.conversion_rate_ci[1]).toBeCloseTo(0.877, 4)
    expect(row.holdout_rate).toBe(0.6)
    expect(row.lift).toBeCloseTo(0.2, 12)
    expect(row.lift_ci![0]).toBeCloseTo(0.0524, 4)
    expect(row.lift_ci![1]).toBeCloseTo(0.3339, 4)
    expect(row.p_value).toBeCloseTo(0.008045, 6)
  })

  it('compares with the holdout the conversions after exposure, not the credited ones', () => {
    // 70 reached: 28 credited to this prompt, 56 converted within the window after it (the others were credited to
    // a later prompt); holdout 48/80. Acceptance is 28/70, lift compares 56/70 with 48/80.
    const [row] = buildStats(
      [aggregate({ accounts_reached: 70, conversions: 28, reached_conversions: 56, holdout_accounts: 80, holdout_conversions: 48 })],
      january,
    ).rows
    expect(row).toMatchObject({ conversions: 28, conversion_rate: 0.4, reached_conversions: 56, reached_conversion_rate: 0.8, holdout_rate: 0.6 })
    expect(row!.lift).toBeCloseTo(0.2, 12)
    expect(row!.lift_ci![0]).toBeCloseTo(0.0524, 4)
    expect(row!.p_value).toBeCloseTo(0.008045, 6)
  })

  it("reports the holdout's size: its accounts and how many of them converted", () => {
    const [row] = buildStats([aggregate({ accounts_reached: 70, conversions: 56, holdout_accounts: 80, holdout_conversions: 48 })], january).rows
    expect(row).toMatchObject({ holdout_accounts: 80, holdout_conversions: 48 })
    const [none] = buildStats([aggregate({ accounts_reached: 10, conversions: 1 })], january).rows
    expect(none).toMatchObject({ holdout_accounts: 0, holdout_conversions: 0, holdout_rate: null })
  })

  it('leaves holdout rate, lift and p-value null when the trigger has no holdout accounts', () => {
    const [row] = buildStats([aggregate({ accounts_reached: 100, conversions: 12 })], january).rows
    expect(row).toMatchObject({ holdout_rate: null, lift: null, lift_ci: null, p_value: null, conversion_rate: 0.12 })
  })

  it('reports the holdout rate but no lift for a variant that reached nobody', () => {
    const [row] = buildStats([aggregate({ holdout_accounts: 10, holdout_conversions: 1 })], january).rows
    expect(row).toMatchObject({ conversion_rate: 0, conversion_rate_ci: [0, 1], holdout_rate: 0.1, lift: null })
  })

  it('passes the counts through and adds expansion MRR to the cent and the median days to convert', () => {
    const [row] = buildStats(
      [
        aggregate({
          impressions: 340,
          accounts_reached: 120,
          clicks: 41,
          dismissals: 77,
          snoozes: 23,
          upgrade_requests: 5,
          conversions: 3,
          expansion_mrr: 0.1 + 0.2 + 146.7,
          days_to_convert: [9, 2, 4.5],
        }),
      ],
      january,
    ).rows
    expect(row).toMatchObject({
      impressions: 340,
      accounts_reached: 120,
      clicks: 41,
      dismissals: 77,
      snoozes: 23,
      upgrade_requests: 5,
      conversions: 3,
      expansion_mrr: 147,
      median_days_to_convert: 4.5,
    })
  })

  it('caps the rate at 1 when more conversions are credited than accounts were reached in the range', () => {
    const [row] = buildStats([aggregate({ accounts_reached: 2, conversions: 3 })], january).rows
    expect(row!.conversions).toBe(3)
    expect(row!.conversion_rate).toBe(1)
    expect(row!.conversion_rate_ci[1]).toBe(1)
  })

  it('sorts rows by trigger, then variant, and keeps only the filtered trigger', () => {
    const aggregates = [
      aggregate({ trigger: 'seats', variant: 'default' }),
      aggregate({ trigger: 'contacts-80', variant: 'b' }),
      aggregate({ trigger: 'contacts-80', variant: 'a' }),
    ]
    const all = buildStats(aggregates, january).rows.map((row) => `${row.trigger}/${row.variant}`)
    expect(all).toEqual(['contacts-80/a', 'contacts-80/b', 'seats/default'])
    const seats = buildStats(aggregates, { ...january, trigger: 'seats' }).rows
    expect(seats.map((row) => row.trigger)).toEqual(['seats'])
  })

  it('reports the range as inclusive UTC days', () => {
    expect(buildStats([], january)).toEqual({ from: '2026-01-01', to: '2026-01-31', rows: [] })
  })
})

describe('parseStatsQuery', () => {
  const now = Date.UTC(2026, 2, 15, 17, 30)
  const parse = (query: string) => parseStatsQuery(new URLSearchParams(query), now)

  it('defaults to the last 30 days, today included', () => {
    expect(parse('')).toEqual({ ok: true, filter: { from: Date.UTC(2026, 1, 14), to: Date.UTC(2026, 2, 16) } })
  })

  it('makes to inclusive by ending the filter at the start of the next day', () => {
    expect(parse('from=2026-01-01&to=2026-01-31&trigger=seats')).toEqual({
      ok: true,
      filter: { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 1, 1), trigger: 'seats' },
    })
  })

  it('fills in the missing end of a half-open range', () => {
    expect(parse('from=2026-03-01')).toEqual({ ok: true, filter: { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 16) } })
    expect(parse('to=2026-01-30')).toEqual({ ok: true, filter: { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 31) } })
  })

  it('reports every malformed date at once with its parameter', () => {
    const result = parse('from=2026-02-30&to=31/01/2026')
    expect(result).toEqual({
      ok: false,
      issues: [
        expect.objectContaining({ code: 'invalid_date', path: 'from', message: expect.stringContaining("'2026-02-30'") }),
        expect.objectContaining({ code: 'invalid_date', path: 'to', hint: 'Use a UTC day such as 2026-01-31' }),
      ],
    })
  })

  it('rejects a from date after the to date', () => {
    expect(parse('from=2026-02-02&to=2026-02-01')).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'invalid_range', message: 'from (2026-02-02) is after to (2026-02-01)' })],
    })
  })

  it('accepts three years and rejects more', () => {
    const from = new Date(Date.UTC(2026, 0, 1) - (MAX_RANGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10)
    expect(parse(`from=${from}&to=2026-01-01`).ok).toBe(true)
    expect(parse('from=2020-01-01&to=2026-01-01')).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'range_too_long', path: 'from' })],
    })
  })

  it('rejects an empty trigger', () => {
    expect(parse('trigger=')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'invalid_trigger', message: 'trigger is empty' })] })
    expect(parse('trigger=%20%20')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'invalid_trigger', message: 'trigger is empty' })] })
  })

  it('trims the trigger and refuses one over 200 characters or holding text no store can compare', () => {
    expect(parse('trigger=%20seats%0A')).toMatchObject({ ok: true, filter: { trigger: 'seats' } })
    expect(parse(`trigger=${'t'.repeat(200)}`).ok).toBe(true)
    const refused = (query: string) => {
      const result = parse(query)
      return result.ok ? undefined : result.issues.map((issue) => [issue.path, issue.message])
    }
    expect(refused(`trigger=${'t'.repeat(201)}`)).toEqual([['trigger', 'trigger is longer than 200 characters']])
    expect(refused('trigger=a%00b')).toEqual([['trigger', 'trigger contains a NUL character (\\u0000)']])
    // A surrogate cannot arrive through a query string: its UTF-8 bytes decode to U+FFFD, which every store takes.
    expect(parse('trigger=a%ED%A0%80')).toMatchObject({ ok: true, filter: { trigger: 'a\ufffd\ufffd\ufffd' } })
  })

  it('does not echo a date that is long or not printable', () => {
    expect(parse('from=2026-01-01%00')).toMatchObject({ ok: false, issues: [{ path: 'from', message: 'from is not a calendar date in the form YYYY-MM-DD' }] })
  })
})
