// The dashboard's HTML pages: the login form and the stats page, rendered to strings on the server.
import { Fragment, h, type ComponentChildren, type RenderableProps } from 'preact'
import type { StatsQueryIssue } from '../stats/build.ts'
import type { DailyPoint, ForecastRow, StatsResult } from '../stats/types.ts'
import { DailyChart, Funnel, RateChart } from './charts.ts'
import type { Formatters } from './format.ts'
import { renderDocument } from './render.ts'
import { ForecastTable, HoldoutTable, StatsTable } from './tables.ts'

function Layout({ base, title, children }: RenderableProps<{ base: string; title: string }>) {
  return h(
    'html',
    { lang: 'en' },
    h(
      'head',
      null,
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('meta', { name: 'color-scheme', content: 'light dark' }),
      h('title', null, title),
      h('link', { rel: 'stylesheet', href: `${base}/app.css` }),
    ),
    h('body', null, children),
  )
}

/**
 * The login form; `error` explains why the last attempt failed (and takes the focus), `next` is the dashboard
 * URL (path and query) to return to after signing in.
 */
export function renderLogin(base: string, error?: string, next?: string): string {
  return renderDocument(
    h(
      Layout,
      { base, title: 'Sign in · nudgekit' },
      h(
        'main',
        { class: 'login' },
        h('h1', null, 'nudgekit dashboard'),
        h(
          'form',
          { method: 'post', action: `${base}/login` },
          error ? h('p', { class: 'error', role: 'alert', id: 'login-error', tabIndex: -1, autofocus: true }, error) : null,
          next ? h('input', { type: 'hidden', name: 'next', value: next }) : null,
          h('label', { for: 'key' }, 'Secret key'),
          h('input', {
            id: 'key',
            name: 'key',
            type: 'password',
            autocomplete: 'current-password',
            required: true,
            spellcheck: false,
            'aria-describedby': error ? 'key-hint login-error' : 'key-hint',
          }),
          h(
            'p',
            { class: 'hint', id: 'key-hint' },
            "The server's secret key (",
            h('code', null, 'sk_…'),
            '), as given to ',
            h('code', null, 'nudgekit serve'),
            '.',
          ),
          h('button', { type: 'submit' }, 'Sign in'),
        ),
      ),
    ),
  )
}

export interface DashboardView {
  base: string
  /** The query as the user typed it, to refill the form. */
  query: { from: string; to: string; trigger: string }
  /** Every trigger id the rules define, for the filter. */
  triggers: string[]
  format: Formatters
  /** Problems with the query; the page then shows no data. */
  issues?: StatsQueryIssue[]
  stats?: StatsResult
  daily?: DailyPoint[]
  forecast?: ForecastView
}

/** The forecast rows and the windows they come from, as UTC days. */
export interface ForecastView {
  rows: ForecastRow[]
  /** Accounts count as eligible with an `eligible` event since this day (one attribution window ago). */
  eligibleSince: string
  /** Conversion rates are those of accounts reached since this day. */
  ratesSince: string
}

/** The analysts' page. */
export function renderDashboard(view: DashboardView): string {
  const { base, query, stats } = view
  const invalid = (field: 'from' | 'to') =>
    view.issues?.some((issue) => issue.path === field || (issue.code === 'invalid_range' && field === 'to'))
      ? { 'aria-invalid': 'true', 'aria-describedby': 'range-issues' }
      : {}
  const unknownTrigger = query.trigger !== '' && !view.triggers.includes(query.trigger)
  const csv = new URLSearchParams({ from: stats?.from ?? query.from, to: stats?.to ?? query.to })
  if (query.trigger) csv.set('trigger', query.trigger)
  return renderDocument(
    h(
      Layout,
      { base, title: `${query.trigger ? `Acceptance of trigger ${query.trigger}` : 'Acceptance by trigger'} · nudgekit` },
      h(
        'header',
        null,
        h('h1', null, query.trigger ? `Acceptance of trigger ${query.trigger}` : 'Acceptance by trigger'),
        h('form', { method: 'post', action: `${base}/logout` }, h('button', { type: 'submit', class: 'secondary' }, 'Sign out')),
      ),
      h(
        'main',
        null,
        h(
          'form',
          { method: 'get', action: base, class: 'range', 'aria-label': 'Date range' },
          h('div', null, h('label', { for: 'from' }, 'From'), h('input', { id: 'from', name: 'from', type: 'date', value: query.from, ...invalid('from') })),
          h('div', null, h('label', { for: 'to' }, 'To'), h('input', { id: 'to', name: 'to', type: 'date', value: query.to, ...invalid('to') })),
          h(
            'div',
            null,
            h('label', { for: 'trigger' }, 'Trigger'),
            h(
              'select',
              { id: 'trigger', name: 'trigger' },
              h('option', { value: '', selected: query.trigger === '' }, 'All triggers'),
              view.triggers.map((id) => h('option', { value: id, selected: query.trigger === id }, id)),
              // A filter the rules do not name (removed, or typed into the URL) stays visible rather than reading "All triggers".
              unknownTrigger ? h('option', { value: query.trigger, selected: true }, `${query.trigger} (not in the rules)`) : null,
            ),
          ),
          h('button', { type: 'submit' }, 'Apply'),
          stats ? h('a', { class: 'download', href: `${base}/stats.csv?${csv}`, download: true }, 'Download CSV') : null,
        ),
        view.issues ? h(Issues, { issues: view.issues }) : null,
        stats ? h(Report, { ...view, stats }) : null,
      ),
      h(
        'footer',
        null,
        h(
          'p',
          null,
          'Conversion rate: accounts whose upgrade was credited to the prompt (the latest exposure before it) ÷ accounts ' +
            'reached, with a Wilson 95 % interval. Lift: the share of reached accounts that upgraded within the attribution ' +
            'window after their first exposure, whichever prompt was credited, minus the same share of held-out accounts, ' +
            "with Newcombe's hybrid score 95 % interval; a variant is called higher or lower than its holdout " +
            'only when that interval excludes 0, otherwise not yet clear. p-value from a two-sided pooled two-proportion z-test. ' +
            'Days are UTC.',
        ),
      ),
    ),
  )
}

const FIELD_NAMES = { from: 'From', to: 'To', trigger: 'Trigger' } as const

/** A query problem in the form's words: the API's messages name query parameters, the page names fields. */
function issueText(issue: StatsQueryIssue): string {
  if (issue.code === 'invalid_range') {
    return `${issue.message.replace(/^from \((.*)\) is after to \((.*)\)$/, 'The From date ($1) is after the To date ($2)')}. ` +
      'Pick a From date on or before the To date, or swap them.'
  }
  return `${issue.message.replace(/^(from|to|trigger)\b/, (name) => FIELD_NAMES[name as keyof typeof FIELD_NAMES])}. ${issue.hint}.`
}

function Issues({ issues }: { issues: StatsQueryIssue[] }) {
  return h(
    'div',
    { class: 'error', role: 'alert', id: 'range-issues' },
    h('p', null, 'The date range cannot be shown:'),
    h('ul', null, issues.map((issue) => h('li', null, issueText(issue)))),
  )
}

/** A titled section of the report; `id` names its heading for `aria-labelledby`. */
function section(id: string, heading: string, ...content: ComponentChildren[]) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, heading), ...content)
}

function Report({ stats, daily = [], forecast, format, query, triggers: known }: DashboardView & { stats: StatsResult }) {
  const { rows } = stats
  const triggers = [...new Set(rows.map((row) => row.trigger))]
  const filter = query.trigger
  const forecastRows = forecast && filter ? forecast.rows.filter((row) => row.trigger === filter) : forecast?.rows
  return h(
    Fragment,
    null,
    h(
      'p',
      { class: 'range-note' },
      `${stats.from} to ${stats.to}${filter ? `, trigger ${filter} only` : ''}: accounts first reached in that range.`,
    ),
    rows.length === 0
      ? h(
          'p',
          { class: 'note' },
          filter
            ? `No prompt of trigger ${filter} was shown in this range.` +
                (known.includes(filter) ? '' : ` The rules served now have no trigger ${filter}; choose one from the list.`)
            : 'No prompt was shown in this range.',
        )
      : h(
          Fragment,
          null,
          section('table-heading', 'By trigger and variant', h(StatsTable, { rows, format })),
          section('rate-heading', 'Conversion rate', h('div', { class: 'chart-scroll' }, h(RateChart, { rows, format }))),
          section('funnel-heading', 'Funnel', h('div', { class: 'chart-scroll' }, h(Funnel, { rows, format }))),
          section(
            'daily-heading',
            'Daily',
            h(
              'p',
              { class: 'note' },
              'Events by the UTC day they happened. Conversions here are counted on the day of the conversion, ' +
                'whoever was reached and when; the table and funnel count the accounts first reached in the range ' +
                'that converted, whenever. The two totals can differ.',
            ),
            ...triggers.map((trigger, index) =>
              h(
                'figure',
                null,
                h('figcaption', null, trigger),
                h(DailyChart, {
                  trigger,
                  points: daily.filter((point) => point.trigger === trigger),
                  from: stats.from,
                  to: stats.to,
                  index,
                  format,
                }),
              ),
            ),
          ),
          section('holdout-heading', 'Variant against holdout', h(HoldoutTable, { rows, format })),
        ),
    forecast && forecastRows
      ? section(
          'forecast-heading',
          'Forecast',
          h(
            'p',
            { class: 'note' },
            `Whatever the date range: accounts eligible since ${forecast.eligibleSince} (one attribution window) that ` +
              `have not converted, × the conversion rate of accounts reached since ${forecast.ratesSince} (90 days) ` +
              '× the MRR a conversion adds.',
          ),
          h(ForecastTable, { rows: forecastRows, format }),
        )
      : null,
  )
}
