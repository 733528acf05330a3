// Inline SVG charts: conversion-rate bars with interval whiskers, the funnel, and daily series.
import { Fragment, h } from 'preact'
import type { DailyPoint, StatsRow } from '../stats/types.ts'
import { DAY_MS, formatDay, parseDay } from '../stats/days.ts'
import type { Formatters } from './format.ts'

const WIDTH = 720
const LABEL_WIDTH = 200
const PLOT_LEFT = LABEL_WIDTH + 10
const PLOT_WIDTH = WIDTH - PLOT_LEFT - 70

function label(text: string, max = 28): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/**
 * Conversion rate per trigger × variant: a bar to the rate, a whisker across the 95 % interval. A row that
 * reached no account has no rate: it says so, and its 0–100 % interval stays out of the scale.
 */
export function RateChart({ rows, format }: { rows: StatsRow[]; format: Formatters }) {
  const rowHeight = 28
  const height = rows.length * rowHeight + 30
  const top = Math.max(0.01, ...rows.filter(reachedAny).map((row) => row.conversion_rate_ci[1]))
  const x = (value: number) => PLOT_LEFT + (value / top) * PLOT_WIDTH
  return h(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': 'rate-title rate-desc' },
    h('title', { id: 'rate-title' }, 'Conversion rate by trigger and variant, with 95 % intervals'),
    h(
      'desc',
      { id: 'rate-desc' },
      rows
        .map(
          (row) =>
            `${row.trigger} ${row.variant}: ` +
            (reachedAny(row) ? `${format.percent(row.conversion_rate)} (${format.interval(row.conversion_rate_ci)})` : 'no account reached'),
        )
        .join('; '),
    ),
    [0, top / 2, top].map((tick) =>
      h(
        'g',
        { class: 'tick' },
        h('line', { x1: x(tick), x2: x(tick), y1: 0, y2: height - 20 }),
        h('text', { x: x(tick), y: height - 5, 'text-anchor': 'middle' }, format.percent(tick)),
      ),
    ),
    rows.map((row, index) => {
      const y = index * rowHeight + 6
      const middle = y + 8
      const [low, high] = row.conversion_rate_ci
      const name = h('text', { class: 'label', x: LABEL_WIDTH, y: middle + 4, 'text-anchor': 'end' }, label(`${row.trigger} · ${row.variant}`))
      if (!reachedAny(row)) return h('g', null, name, h('text', { class: 'value tick', x: PLOT_LEFT + 6, y: middle + 4 }, '– no account reached'))
      return h(
        'g',
        null,
        name,
        h('rect', { class: 'bar', x: PLOT_LEFT, y, width: Math.max(0, x(row.conversion_rate) - PLOT_LEFT), height: 16 }),
        h(
          'g',
          { class: 'whisker' },
          h('line', { x1: x(low), x2: x(high), y1: middle, y2: middle }),
          h('line', { x1: x(low), x2: x(low), y1: middle - 6, y2: middle + 6 }),
          h('line', { x1: x(high), x2: x(high), y1: middle - 6, y2: middle + 6 }),
        ),
        h('text', { class: 'value', x: x(high) + 6, y: middle + 4 }, format.percent(row.conversion_rate)),
      )
    }),
  )
}

const reachedAny = (row: StatsRow) => row.accounts_reached > 0

interface FunnelStep {
  name: string
  value: number
  /** What the value is a share of, e.g. "of 70 accounts reached"; none for the first step. */
  share?: string
}

/**
 * Per trigger: impressions, clicks as a share of impressions, and converted accounts as a share of the
 * accounts reached (a converted account need not have clicked, so conversions are not a step after clicks).
 */
export function Funnel({ rows, format }: { rows: StatsRow[]; format: Formatters }) {
  const triggers = [...new Set(rows.map((row) => row.trigger))]
  const groups = triggers.map((trigger) => {
    const mine = rows.filter((row) => row.trigger === trigger)
    const sum = (pick: (row: StatsRow) => number) => mine.reduce((total, row) => total + pick(row), 0)
    const impressions = sum((row) => row.impressions)
    const clicks = sum((row) => row.clicks)
    const reached = sum((row) => row.accounts_reached)
    // As in the conversion rate: converted accounts of those reached, so the share cannot pass 100 %.
    const converted = sum((row) => Math.min(row.conversions, row.accounts_reached))
    const rate = (part: number, whole: number) => (whole > 0 ? format.percent(part / whole) : '–')
    const steps: FunnelStep[] = [
      { name: 'Impressions', value: impressions },
      { name: 'Clicks', value: clicks, share: `${rate(clicks, impressions)} of impressions` },
      { name: 'Conversions', value: sum((row) => row.conversions), share: `${rate(converted, reached)} of ${format.counted(reached, 'account')} reached` },
    ]
    return { trigger, steps }
  })
  const stepHeight = 22
  const groupHeight = 3 * stepHeight + 26
  const height = groups.length * groupHeight
  const text = (step: FunnelStep) => format.count(step.value) + (step.share ? ` (${step.share})` : '')
  return h(
    'svg',
    { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': 'funnel-title funnel-desc' },
    h('title', { id: 'funnel-title' }, 'Per trigger: impressions, clicks, and converted accounts of those reached'),
    h(
      'desc',
      { id: 'funnel-desc' },
      groups
        .map(({ trigger, steps }) => `${trigger}: ${steps.map((step) => `${step.name.toLowerCase()} ${text(step)}`).join(', ')}`)
        .join('; '),
    ),
    groups.map(({ trigger, steps }, groupIndex) => {
      const y0 = groupIndex * groupHeight
      const widest = Math.max(1, ...steps.map((step) => step.value))
      return h(
        'g',
        null,
        h('text', { class: 'group', x: 0, y: y0 + 16 }, label(trigger, 60)),
        steps.map((step, index) => {
          const y = y0 + 24 + index * stepHeight
          // Bars take at most half the plot, so the value and its share fit beside the longest.
          const width = (step.value / widest) * (PLOT_WIDTH / 2)
          return h(
            'g',
            null,
            h('text', { class: 'label', x: LABEL_WIDTH, y: y + 13, 'text-anchor': 'end' }, step.name),
            h('rect', { class: `bar step-${index}`, x: PLOT_LEFT, y, width, height: 16 }),
            h('text', { class: 'value', x: PLOT_LEFT + width + 6, y: y + 13 }, text(step)),
          )
        }),
      )
    }),
  )
}

/** Bars per chart at most: over longer ranges one bar sums several days, so bars stay visible and the page small. */
const MAX_BARS = 120

/** All of a series' bars as one path (a rect each would make a long range's page megabytes long). */
function barsPath(
  buckets: DailyPoint[],
  key: (typeof SERIES)[number]['key'],
  box: { max: number; left: number; bottom: number; height: number; step: number },
): string {
  const width = round(Math.max(box.step * 0.8, 0.5))
  let d = ''
  buckets.forEach((bucket, index) => {
    const value = bucket[key]
    if (value <= 0) return
    const height = round((value / box.max) * box.height)
    d += `M${round(box.left + index * box.step)} ${box.bottom}v${-height}h${width}v${height}z`
  })
  return d
}

/** Sums the points of the range into consecutive buckets of `size` days. */
function bucketize(points: DailyPoint[], first: number, days: number, size: number): DailyPoint[] {
  const buckets = Array.from({ length: Math.ceil(days / size) }, (_, index) => ({
    day: formatDay(first + index * size * DAY_MS),
    trigger: '',
    impressions: 0,
    clicks: 0,
    conversions: 0,
  }))
  for (const point of points) {
    const day = Math.round(((parseDay(point.day) ?? NaN) - first) / DAY_MS)
    const bucket = day >= 0 && day < days ? buckets[Math.floor(day / size)] : undefined
    if (!bucket) continue
    bucket.impressions += point.impressions
    bucket.clicks += point.clicks
    bucket.conversions += point.conversions
  }
  return buckets
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}

const SERIES = [
  { key: 'impressions', name: 'Impressions', noun: 'impression' },
  { key: 'clicks', name: 'Clicks', noun: 'click' },
  { key: 'conversions', name: 'Conversions', noun: 'conversion' },
] as const

/**
 * One trigger's impressions, clicks and conversions per day as three bar strips, each on its own
 * scale, followed by the same numbers as a table in a disclosure (the chart's text version); ranges
 * over 120 days get one bar (and one table row) per several days.
 */
export function DailyChart(props: { trigger: string; points: DailyPoint[]; from: string; to: string; index: number; format: Formatters }) {
  const { trigger, points, from, to, index, format } = props
  const first = parseDay(from)!
  const days = Math.round((parseDay(to)! - first) / DAY_MS) + 1
  const stripHeight = 44
  const height = SERIES.length * (stripHeight + 12) + 20
  const size = Math.ceil(days / MAX_BARS)
  const buckets = bucketize(points, first, days, size)
  const step = PLOT_WIDTH / buckets.length
  const id = `daily-${index}`
  const totals = SERIES.map(({ key }) => buckets.reduce((total, bucket) => total + bucket[key], 0))
  const period = size === 1 ? 'Daily' : `${size}-day`
  return h(
    Fragment,
    null,
    h('div', { class: 'chart-scroll' }, chart()),
    h(
      'details',
      null,
      h('summary', null, size === 1 ? 'Numbers per day' : `Numbers per ${size} days`),
      h(
        'table',
        null,
        h('caption', null, `${period} numbers of ${trigger}, ${from} to ${to}`),
        h(
          'thead',
          null,
          h('tr', null, h('th', { scope: 'col' }, size === 1 ? 'Day' : 'From day'), SERIES.map(({ name }) => h('th', { scope: 'col', class: 'num' }, name))),
        ),
        h(
          'tbody',
          null,
          buckets.map((bucket) =>
            h('tr', null, h('th', { scope: 'row' }, bucket.day), SERIES.map(({ key }) => h('td', { class: 'num' }, format.count(bucket[key])))),
          ),
        ),
      ),
    ),
  )

  function chart() {
    return h(
      'svg',
      { class: 'chart', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img', 'aria-labelledby': `${id}-title ${id}-desc` },
      h('title', { id: `${id}-title` }, `${period} series of ${trigger}, ${from} to ${to}`),
      h(
        'desc',
        { id: `${id}-desc` },
        SERIES.map(({ noun }, series) => format.counted(totals[series]!, noun)).join(', ') + ' in total',
      ),
      SERIES.map(({ key, name }, series) => {
        const y0 = series * (stripHeight + 12)
        const bottom = y0 + stripHeight
        const max = Math.max(1, ...buckets.map((bucket) => bucket[key]))
        return h(
          'g',
          null,
          h('text', { class: 'label', x: LABEL_WIDTH, y: y0 + stripHeight / 2 + 4, 'text-anchor': 'end' }, name),
          h('line', { class: 'axis', x1: PLOT_LEFT, x2: PLOT_LEFT + PLOT_WIDTH, y1: bottom, y2: bottom }),
          h('path', {
            class: `bars step-${series}`,
            d: barsPath(buckets, key, { max, left: PLOT_LEFT, bottom, height: stripHeight, step }),
          }),
          h('text', { class: 'value', x: PLOT_LEFT + PLOT_WIDTH + 6, y: y0 + 10 }, totals[series] === 0 ? 'none' : `max ${format.count(max)}`),
        )
      }),
      h('text', { class: 'tick', x: PLOT_LEFT, y: height - 4 }, from),
      h('text', { class: 'tick', x: PLOT_LEFT + PLOT_WIDTH, y: height - 4, 'text-anchor': 'end' }, to),
    )
  }
}
