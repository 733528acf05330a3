// Dashboard tables: acceptance per trigger × variant, variant against holdout, and the forecast.
import { h, type ComponentChildren } from 'preact'
import type { ForecastRow, StatsRow } from '../stats/types.ts'
import { LIFT_VERDICT_TEXT, liftVerdict } from '../stats/verdict.ts'
import type { Formatters } from './format.ts'

interface TableProps {
  rows: StatsRow[]
  format: Formatters
}

/** A captioned table in a keyboard-scrollable region; `columns` are the header cells. */
function scrollTable(caption: string, columns: ComponentChildren[], body: ComponentChildren) {
  return h(
    'div',
    { class: 'scroll', role: 'region', 'aria-label': `Scrollable table: ${caption}`, tabIndex: 0 },
    h('table', null, h('caption', null, caption), h('thead', null, h('tr', null, ...columns)), h('tbody', null, body)),
  )
}

const column = (name: string) => h('th', { scope: 'col' }, name)
const numberColumn = (name: string) => h('th', { scope: 'col', class: 'num' }, name)
const rowHeader = (text: string) => h('th', { scope: 'row' }, text)
const numberCell = (text: string) => h('td', { class: 'num' }, text)

/** A header with a short visible name and the full one for hover (`title`) and screen readers (`abbr`). */
const shortColumn = (short: string, full: string) => h('th', { scope: 'col', class: 'num', abbr: full, title: full }, short)
/** A number on the first line and its interval on a second, read as ", 95 % interval …". */
const withInterval = (value: string, interval: string | null) =>
  h(
    'td',
    { class: 'num' },
    value,
    interval === null ? null : h('span', { class: 'sub' }, h('span', { class: 'visually-hidden' }, ', 95 % interval '), interval),
  )

/** Every count and the conversion rate with its 95 % interval, one row per trigger × variant. */
export function StatsTable({ rows, format }: TableProps) {
  return scrollTable(
    'Acceptance by trigger and variant',
    [
      column('Trigger'),
      column('Variant'),
      numberColumn('Impressions'),
      shortColumn('Reached', 'Accounts reached'),
      numberColumn('Clicks'),
      numberColumn('Dismissals'),
      shortColumn('Requests', 'Upgrade requests'),
      numberColumn('Conversions'),
      h('th', { scope: 'col', class: 'num' }, 'Conversion rate', h('span', { class: 'sub' }, '95 % interval')),
      numberColumn('Expansion MRR'),
      shortColumn('Median days', 'Median days to convert'),
    ],
    rows.map((row) =>
      h(
        'tr',
        null,
        rowHeader(row.trigger),
        h('td', null, row.variant),
        numberCell(format.count(row.impressions)),
        numberCell(format.count(row.accounts_reached)),
        numberCell(format.count(row.clicks)),
        numberCell(format.count(row.dismissals)),
        numberCell(format.count(row.upgrade_requests)),
        numberCell(format.count(row.conversions)),
        // No account reached: there is no rate, and a 0–100 % interval would only say so at length.
        row.accounts_reached === 0
          ? h('td', { class: 'num' }, '–', h('span', { class: 'sub' }, 'none reached'))
          : withInterval(format.percent(row.conversion_rate), format.interval(row.conversion_rate_ci)),
        numberCell(format.money(row.expansion_mrr)),
        numberCell(row.median_days_to_convert === null ? '–' : format.days(row.median_days_to_convert)),
      ),
    ),
  )
}

/**
 * Each variant against its trigger's holdout: the share of each side that converted within the attribution window
 * after first exposure (whatever the credit, so both sides count alike) with their sizes, absolute lift with its
 * interval, p-value, and in words what the interval shows (the row is marked, never by colour alone).
 */
export function HoldoutTable({ rows, format }: TableProps) {
  const compared = rows.filter((row) => row.lift !== null)
  if (compared.length === 0) {
    return h(
      'p',
      { class: 'note' },
      'No trigger has holdout accounts in this range. Give a trigger ',
      h('code', null, 'experiment: { holdout: 10% }'),
      ' in the rules file to measure lift against accounts that saw nothing.',
    )
  }
  return scrollTable(
    'Variant against holdout',
    [
      column('Trigger'),
      column('Variant'),
      h('th', { scope: 'col', class: 'num' }, 'Reached, converted', h('span', { class: 'sub' }, 'within the window, any credit')),
      h('th', { scope: 'col', class: 'num' }, 'Holdout, converted', h('span', { class: 'sub' }, 'within the window')),
      numberColumn('Lift'),
      numberColumn('95 % interval of lift'),
      numberColumn('p-value'),
      column('Conversion vs holdout'),
    ],
    compared.map((row) => {
      const verdict = liftVerdict(row.lift_ci!)
      return h(
        'tr',
        { class: verdict === 'unclear' ? undefined : `lift-${verdict}` },
        rowHeader(row.trigger),
        h('td', null, row.variant),
        h(
          'td',
          { class: 'num' },
          format.percent(row.reached_conversion_rate),
          h('span', { class: 'sub' }, `${format.count(row.reached_conversions)} of ${format.counted(row.accounts_reached, 'account')}`),
        ),
        h(
          'td',
          { class: 'num' },
          format.percent(row.holdout_rate!),
          h('span', { class: 'sub' }, `${format.count(row.holdout_conversions)} of ${format.counted(row.holdout_accounts, 'account')}`),
        ),
        numberCell(format.points(row.lift!)),
        numberCell(format.pointsInterval(row.lift_ci!)),
        numberCell(format.pValue(row.p_value!)),
        h('td', { class: 'verdict' }, LIFT_VERDICT_TEXT[verdict]),
      )
    }),
  )
}

/** Expected expansion MRR from accounts eligible now, per trigger. */
export function ForecastTable({ rows, format }: { rows: ForecastRow[]; format: Formatters }) {
  if (rows.length === 0) return h('p', { class: 'note' }, 'No account is currently eligible for a trigger.')
  return scrollTable(
    'Forecast from accounts eligible now',
    [
      column('Trigger'),
      numberColumn('Eligible accounts'),
      numberColumn('Conversion rate'),
      numberColumn('MRR per conversion'),
      numberColumn('Expected MRR'),
    ],
    rows.map((row) =>
      h(
        'tr',
        null,
        rowHeader(row.trigger),
        numberCell(format.count(row.eligible_accounts)),
        numberCell(format.percent(row.conversion_rate)),
        numberCell(format.money(row.mrr_delta)),
        numberCell(format.money(row.expected_mrr)),
      ),
    ),
  )
}
