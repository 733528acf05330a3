// Stats as CSV (RFC 4180) for spreadsheets, safe to open even when ids start like a formula.
import type { StatsResult, StatsRow } from './types.ts'

type Cell = string | number | null

const COLUMNS: Array<[header: string, cell: (row: StatsRow) => Cell]> = [
  ['trigger', (row) => row.trigger],
  ['variant', (row) => row.variant],
  ['impressions', (row) => row.impressions],
  ['accounts_reached', (row) => row.accounts_reached],
  ['clicks', (row) => row.clicks],
  ['dismissals', (row) => row.dismissals],
  ['snoozes', (row) => row.snoozes],
  ['upgrade_requests', (row) => row.upgrade_requests],
  ['conversions', (row) => row.conversions],
  ['conversion_rate', (row) => row.conversion_rate],
  ['conversion_rate_low', (row) => row.conversion_rate_ci[0]],
  ['conversion_rate_high', (row) => row.conversion_rate_ci[1]],
  ['reached_conversions', (row) => row.reached_conversions],
  ['reached_conversion_rate', (row) => row.reached_conversion_rate],
  ['holdout_rate', (row) => row.holdout_rate],
  ['lift', (row) => row.lift],
  ['lift_low', (row) => row.lift_ci?.[0] ?? null],
  ['lift_high', (row) => row.lift_ci?.[1] ?? null],
  ['p_value', (row) => row.p_value],
  ['expansion_mrr', (row) => row.expansion_mrr],
  ['median_days_to_convert', (row) => row.median_days_to_convert],
  ['holdout_accounts', (row) => row.holdout_accounts],
  ['holdout_conversions', (row) => row.holdout_conversions],
]

/** Header of the CSV, in column order: `from`, `to`, then the stats row fields with intervals split. */
export const CSV_HEADER = ['from', 'to', ...COLUMNS.map(([header]) => header)]

/**
 * The stats as RFC 4180 CSV: a header line, one line per row, CRLF line ends, the range in the
 * `from` and `to` columns, intervals split into `_low` / `_high` columns, empty cells for nulls,
 * rates as fractions (0.12, not 12 %). Text cells that a spreadsheet would run as a formula
 * (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`; numeric cells are written by
 * us from numbers and keep their sign.
 *
 * @example
 * new Response(toCsv(result), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
 */
export function toCsv(result: StatsResult): string {
  const lines = [CSV_HEADER.map(quote).join(',')]
  for (const row of result.rows) {
    const cells = [result.from, result.to, ...COLUMNS.map(([, cell]) => cell(row))]
    lines.push(cells.map(formatCell).join(','))
  }
  return lines.join('\r\n') + '\r\n'
}

function formatCell(cell: Cell): string {
  if (cell === null) return ''
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : ''
  return quote(/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/**
 * Headers of a CSV download of `result`, the same for the API and the dashboard.
 * @example return c.body(toCsv(result), 200, csvDownloadHeaders(result))
 */
export function csvDownloadHeaders(result: StatsResult): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="nudgekit-stats-${result.from}-to-${result.to}.csv"`,
  }
}
