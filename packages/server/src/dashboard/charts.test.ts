import { h } from 'preact'
import { renderToString } from 'preact-render-to-string'
import { describe, expect, it } from 'vitest'
import type { DailyPoint, StatsRow } from '../stats/types.ts'
import { DailyChart, Funnel, RateChart } from './charts.ts'
import { createFormatters } from './format.ts'

const format = createFormatters('en-US', 'USD')

const row = (overrides: Partial<StatsRow>): StatsRow => ({
  trigger: 'contacts-80',
  variant: 'a',
  impressions: 200,
  accounts_reached: 100,
  clicks: 50,
  dismissals: 0,
  snoozes: 0,
  upgrade_requests: 0,
  conversions: 12,
  conversion_rate: 0.12,
  reached_conversions: 12,
  reached_conversion_rate: 0.12,
  conversion_rate_ci: [0.07, 0.2],
  holdout_rate: null,
  lift: null,
  lift_ci: null,
  p_value: null,
  expansion_mrr: 0,
  median_days_to_convert: null,
  holdout_accounts: 0,
  holdout_conversions: 0,
  ...overrides,
})

describe('RateChart', () => {
  it('draws the bar to the rate and the whisker across the interval, on a scale ending at the highest bound', () => {
    const svg = renderToString(h(RateChart, { rows: [row({})], format }))
    // plot from x = 210 over 440 px; top of scale = 0.2 → rate 0.12 ends at 210 + 0.6 · 440 = 474
    expect(svg).toContain('<rect class="bar" x="210" y="6" width="264" height="16">')
    // whisker from 0.07 (210 + 0.35 · 440 = 364) to 0.2 (650)
    expect(svg).toContain('<line x1="364" x2="650" y1="14" y2="14">')
    expect(svg).toContain('<desc id="rate-desc">contacts-80 a: 12.0% (7.0%–20.0%)</desc>')
  })

  it('says a row without accounts reached has no rate and keeps its 0–100 % interval out of the scale', () => {
    const empty = row({ variant: 'b', accounts_reached: 0, conversions: 0, conversion_rate: 0, conversion_rate_ci: [0, 1] })
    const svg = renderToString(h(RateChart, { rows: [row({}), empty], format }))
    expect(svg).toContain('<rect class="bar" x="210" y="6" width="264" height="16">')
    expect(svg).toContain('contacts-80 b: no account reached')
    expect(svg).toContain('– no account reached')
    expect(svg).not.toContain('100.0%')
  })
})

describe('Funnel', () => {
  it('sums variants per trigger: clicks as a share of impressions, conversions of the accounts reached, not of clicks', () => {
    const rows = [row({}), row({ variant: 'b', impressions: 100, clicks: 10, accounts_reached: 50, conversions: 3 })]
    const svg = renderToString(h(Funnel, { rows, format }))
    expect(svg).toContain('contacts-80: impressions 300, clicks 60 (20.0% of impressions), conversions 15 (10.0% of 150 accounts reached)')
    expect(svg).not.toContain('25.0%')
  })

  it('names one account reached in the singular', () => {
    const svg = renderToString(h(Funnel, { rows: [row({ impressions: 1, clicks: 1, accounts_reached: 1, conversions: 1 })], format }))
    expect(svg).toContain('conversions 1 (100.0% of 1 account reached)')
  })
})

describe('DailyChart', () => {
  /** The contacts-80 series from `from` to `to`, rendered. */
  const daily = (from: string, to: string, points: DailyPoint[]) =>
    renderToString(h(DailyChart, { trigger: 'contacts-80', from, to, index: 0, format, points }))

  it('draws one bar per day with data on its day, scaled to the series maximum, ignoring days outside the range', () => {
    const svg = daily('2026-01-01', '2026-01-10', [
      { day: '2026-01-01', trigger: 'contacts-80', impressions: 10, clicks: 0, conversions: 0 },
      { day: '2026-01-06', trigger: 'contacts-80', impressions: 5, clicks: 1, conversions: 0 },
      { day: '2026-02-01', trigger: 'contacts-80', impressions: 99, clicks: 0, conversions: 0 },
    ])
    // 10 days over 440 px: 44 px a day, bars 35.2 px wide, strip 44 px high
    expect(svg).toContain('d="M210 44v-44h35.2v44zM430 44v-22h35.2v22z"')
    expect(svg).toContain('d="M430 100v-44h35.2v44z"')
    expect(svg).toContain('15 impressions, 1 click, 0 conversions in total')
    expect(svg).toContain('>none<')
  })

  it('names a total of one in the singular', () => {
    const svg = daily('2026-01-01', '2026-01-02', [{ day: '2026-01-02', trigger: 'contacts-80', impressions: 1, clicks: 2, conversions: 1 }])
    expect(svg).toContain('1 impression, 2 clicks, 1 conversion in total')
  })
})

describe('DailyChart over a long range', () => {
  it('sums several days into one bar so a chart never has more than 120 bars', () => {
    const points = Array.from({ length: 365 }, (_, day) => ({
      day: new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString().slice(0, 10),
      trigger: 't',
      impressions: 1,
      clicks: 0,
      conversions: 0,
    }))
    const svg = renderToString(h(DailyChart, { trigger: 't', from: '2025-01-01', to: '2025-12-31', index: 0, format, points }))
    // ceil(365 / 120) = 4 days a bar → 92 bars, the last holding one day
    expect(svg).toContain('4-day series of t, 2025-01-01 to 2025-12-31')
    const bars = /class="bars step-0" d="([^"]*)"/.exec(svg)![1]!.split('z').filter(Boolean)
    expect(bars).toHaveLength(92)
    expect(svg).toContain('365 impressions')
    expect(svg).toContain('max 4')
  })
})
