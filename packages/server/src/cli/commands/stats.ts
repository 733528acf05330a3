// `nudgekit stats`: acceptance by trigger × variant from a store, as an aligned table, CSV or JSON.
import { buildStats, parseStatsQuery } from '../../stats/build.ts'
import { createFormatters } from '../../dashboard/format.ts'
import { toCsv } from '../../stats/csv.ts'
import { LIFT_VERDICT_TEXT, liftVerdict } from '../../stats/verdict.ts'
import type { StatsResult, StatsRow } from '../../stats/types.ts'
import type { Command } from '../command.ts'
import { DATABASE_OPTIONS, withDatabase } from '../database.ts'
import { parseFlags } from '../flags.ts'
import { UsageError } from '../run.ts'
import { alignedTable, type Column } from '../table.ts'

const help = `Usage: nudgekit stats [--db <path> | --database-url <url>] [options]

Prints conversion by trigger and variant: counts, conversion rate (conversions credited to the
prompt) with its 95 % interval; then, against the holdout, the share of reached and of held-out
accounts that converted within the attribution window after their first exposure (whatever the
credit), the lift between them with its 95 % interval and p-value, whether conversion is higher or
lower than the holdout's (only when the lift's interval excludes 0); expansion MRR and median days
to convert.

Options:
  --db <path>            SQLite database file written by 'nudgekit serve' (default ./nudgekit.db)
  --database-url <url>   PostgreSQL connection URL (default: $NUDGEKIT_DATABASE_URL)
  --from <YYYY-MM-DD>    First UTC day (default: 29 days before --to)
  --to <YYYY-MM-DD>      Last UTC day, included (default: today, or --from when later)
  --trigger <id>         Only this trigger
  --format <format>      table (default), csv or json
  -h, --help             Show this help`

const OPTIONS = {
  ...DATABASE_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  trigger: { type: 'string' },
  format: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const FORMATS = ['table', 'csv', 'json'] as const
type Format = (typeof FORMATS)[number]

const stats: Command = async (argv, io) => {
  const { values } = parseFlags(argv, OPTIONS, 'stats', 'read stats', false)
  if (values.help) {
    io.out(help)
    return 0
  }
  const format = (values.format ?? 'table') as Format
  if (!FORMATS.includes(format)) {
    throw new UsageError(`Failed to read stats: unknown format '${values.format}'. Use --format table, csv or json.`)
  }

  const query = new URLSearchParams()
  for (const name of ['from', 'to', 'trigger'] as const) {
    const value = values[name]
    if (value !== undefined) query.set(name, value)
  }
  const parsed = parseStatsQuery(query)
  if (!parsed.ok) {
    // The messages name the API's query parameters (from, to); here they are flags.
    const asFlags = (message: string) => message.replace(/^(from|to|trigger)\b/, '--$1').replace(/ is after to \(/, ' is after --to (')
    for (const issue of parsed.issues) io.err(`[nudgekit] Failed to read stats: ${asFlags(issue.message)}. ${issue.hint}.`)
    return 1
  }

  const result = await withDatabase(values, io, 'read stats', async (store) =>
    buildStats(await store.aggregates(parsed.filter), parsed.filter),
  )

  if (format === 'json') io.out(JSON.stringify(result, null, 2))
  else if (format === 'csv') io.out(toCsv(result))
  else io.out(renderTable(result, parsed.filter.trigger))
  return 0
}

export default stats


/** Lifts in percentage points as the dashboard writes them: a sign, a true minus (U+2212), "pp". */
const format = createFormatters('en-US', 'USD')

const COLUMNS: Array<Column<StatsRow>> = [
  { header: 'trigger', cell: (row) => row.trigger, left: true },
  { header: 'variant', cell: (row) => row.variant, left: true },
  { header: 'impressions', cell: (row) => String(row.impressions) },
  { header: 'reached', cell: (row) => String(row.accounts_reached) },
  { header: 'clicks', cell: (row) => String(row.clicks) },
  { header: 'dismissals', cell: (row) => String(row.dismissals) },
  { header: 'snoozes', cell: (row) => String(row.snoozes) },
  { header: 'requests', cell: (row) => String(row.upgrade_requests) },
  { header: 'conversions', cell: (row) => String(row.conversions) },
  { header: 'rate', cell: (row) => percent(row.conversion_rate) },
  { header: '95% CI', cell: (row) => `[${percent(row.conversion_rate_ci[0])}–${percent(row.conversion_rate_ci[1])}]` },
  { header: 'converted', cell: (row) => (row.accounts_reached === 0 ? '–' : percent(row.reached_conversion_rate)) },
  { header: 'holdout', cell: (row) => (row.holdout_rate === null ? '–' : percent(row.holdout_rate)) },
  { header: 'holdout n', cell: (row) => (row.holdout_accounts === 0 ? '–' : `${row.holdout_conversions}/${row.holdout_accounts}`) },
  { header: 'lift', cell: (row) => (row.lift === null ? '–' : format.points(row.lift)) },
  { header: 'lift 95% CI', cell: (row) => (row.lift_ci === null ? '–' : format.pointsInterval(row.lift_ci)) },
  { header: 'p', cell: (row) => (row.p_value === null ? '–' : pValue(row.p_value)) },
  { header: 'vs holdout', cell: (row) => (row.lift_ci === null ? '–' : LIFT_VERDICT_TEXT[liftVerdict(row.lift_ci)]), left: true },
  { header: 'MRR', cell: (row) => row.expansion_mrr.toFixed(2) },
  { header: 'median days', cell: (row) => (row.median_days_to_convert === null ? '–' : row.median_days_to_convert.toFixed(1)) },
]

/** The stats as an aligned plain-text table under a title naming the range and the trigger filter. */
function renderTable(result: StatsResult, trigger: string | undefined): string {
  const title = `Stats ${result.from} to ${result.to}${trigger ? ` of trigger ${trigger}` : ''} (UTC days, both included)`
  if (result.rows.length === 0) return `${title}\n\nNo prompt${trigger ? ` of trigger ${trigger}` : ''} was shown in this range.`
  return [title, '', ...alignedTable(COLUMNS, result.rows)].join('\n')
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}


function pValue(value: number): string {
  return value < 0.001 ? '<0.001' : value.toFixed(3)
}
