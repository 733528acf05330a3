// The dashboard's HTML pages: the login form and the stats page, rendered to strings on the server.
import type { ComponentChildren } from 'preact'
import { renderToString } from 'preact-render-to-string'
import type { StatsQueryIssue } from '../stats/build.ts'
import type { DailyPoint, ForecastRow, StatsResult } from '../stats/types.ts'
import { DailyChart, Funnel, RateChart } from './charts.tsx'
import type { Formatters } from './format.ts'
import { ForecastTable, HoldoutTable, StatsTable } from './tables.tsx'

function Layout({ base, title, children }: { base: string; title: string; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title}</title>
        <link rel="stylesheet" href={`${base}/app.css`} />
      </head>
      <body>{children}</body>
    </html>
  )
}

function html(node: preact.VNode): string {
  return '<!doctype html>' + renderToString(node)
}

/** The login form; `error` explains why the last attempt failed. */
export function renderLogin(base: string, error?: string): string {
  return html(
    <Layout base={base} title="Sign in · nudgekit">
      <main class="login">
        <h1>nudgekit dashboard</h1>
        <form method="post" action={`${base}/login`}>
          {error ? (
            <p class="error" role="alert" id="login-error">
              {error}
            </p>
          ) : null}
          <label for="key">Secret key</label>
          <input
            id="key"
            name="key"
            type="password"
            autocomplete="current-password"
            required
            spellcheck={false}
            aria-describedby={error ? 'key-hint login-error' : 'key-hint'}
          />
          <p class="hint" id="key-hint">
            The server's secret key (<code>sk_…</code>), as given to <code>nudgekit serve</code>.
          </p>
          <button type="submit">Sign in</button>
        </form>
      </main>
    </Layout>,
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
  forecast?: ForecastRow[]
}

/** The analysts' page. */
export function renderDashboard(view: DashboardView): string {
  const { base, query, format, stats } = view
  const csv = new URLSearchParams({ from: stats?.from ?? query.from, to: stats?.to ?? query.to })
  if (query.trigger) csv.set('trigger', query.trigger)
  return html(
    <Layout base={base} title="Acceptance by trigger · nudgekit">
      <header>
        <h1>Acceptance by trigger</h1>
        <form method="post" action={`${base}/logout`}>
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </header>
      <main>
        <form method="get" action={base} class="range" aria-label="Date range">
          <div>
            <label for="from">From</label>
            <input id="from" name="from" type="date" value={query.from} />
          </div>
          <div>
            <label for="to">To</label>
            <input id="to" name="to" type="date" value={query.to} />
          </div>
          <div>
            <label for="trigger">Trigger</label>
            <select id="trigger" name="trigger">
              <option value="" selected={query.trigger === ''}>
                All triggers
              </option>
              {view.triggers.map((id) => (
                <option value={id} selected={query.trigger === id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Apply</button>
          {stats ? (
            <a class="download" href={`${base}/stats.csv?${csv}`} download>
              Download CSV
            </a>
          ) : null}
        </form>
        {view.issues ? <Issues issues={view.issues} /> : null}
        {stats ? <Report {...view} stats={stats} /> : null}
      </main>
      <footer>
        <p>
          Conversion rate: converted accounts ÷ accounts reached, with a Wilson 95 % interval. Lift: conversion rate minus
          holdout rate, with Newcombe's hybrid score 95 % interval; p-value from a two-sided pooled two-proportion z-test.
          Days are UTC.
        </p>
      </footer>
    </Layout>,
  )
}

function Issues({ issues }: { issues: StatsQueryIssue[] }) {
  return (
    <div class="error" role="alert">
      <p>The date range cannot be shown:</p>
      <ul>
        {issues.map((issue) => (
          <li>
            {issue.message}. {issue.hint}.
          </li>
        ))}
      </ul>
    </div>
  )
}

function Report({ stats, daily = [], forecast, format }: DashboardView & { stats: StatsResult }) {
  const { rows } = stats
  const triggers = [...new Set(rows.map((row) => row.trigger))]
  return (
    <>
      <p class="range-note">
        {stats.from} to {stats.to}, exposures first made in that range.
      </p>
      {rows.length === 0 ? (
        <p class="note">No prompt was shown in this range.</p>
      ) : (
        <>
          <section aria-labelledby="table-heading">
            <h2 id="table-heading">By trigger and variant</h2>
            <StatsTable rows={rows} format={format} />
          </section>
          <section aria-labelledby="rate-heading">
            <h2 id="rate-heading">Conversion rate</h2>
            <RateChart rows={rows} format={format} />
          </section>
          <section aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">Funnel</h2>
            <Funnel rows={rows} format={format} />
          </section>
          <section aria-labelledby="daily-heading">
            <h2 id="daily-heading">Daily</h2>
            {triggers.map((trigger, index) => (
              <figure>
                <figcaption>{trigger}</figcaption>
                <DailyChart
                  trigger={trigger}
                  points={daily.filter((point) => point.trigger === trigger)}
                  from={stats.from}
                  to={stats.to}
                  index={index}
                  format={format}
                />
              </figure>
            ))}
          </section>
          <section aria-labelledby="holdout-heading">
            <h2 id="holdout-heading">Variant against holdout</h2>
            <HoldoutTable rows={rows} format={format} />
          </section>
        </>
      )}
      {forecast ? (
        <section aria-labelledby="forecast-heading">
          <h2 id="forecast-heading">Forecast</h2>
          <ForecastTable rows={forecast} format={format} />
        </section>
      ) : null}
    </>
  )
}
