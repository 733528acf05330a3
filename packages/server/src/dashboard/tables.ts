// Dashboard tables: acceptance per trigger × variant, variant against holdout, and the forecast.
import type { ForecastRow, StatsRow } from '../stats/types.ts'
import type { Formatters } from './format.ts'

interface TableProps {
  rows: StatsRow[]
  format: Formatters
}

/** Every count and the conversion rate with its 95 % interval, one row per trigger × variant. */
export function StatsTable({ rows, format }: TableProps) {
  return (
    <div class="scroll" role="region" aria-label="Scrollable table: Acceptance by trigger and variant" tabIndex={0}>
      <table>
        <caption>Acceptance by trigger and variant</caption>
        <thead>
          <tr>
            <th scope="col">Trigger</th>
            <th scope="col">Variant</th>
            <th scope="col" class="num">Impressions</th>
            <th scope="col" class="num">Accounts reached</th>
            <th scope="col" class="num">Clicks</th>
            <th scope="col" class="num">Dismissals</th>
            <th scope="col" class="num">Upgrade requests</th>
            <th scope="col" class="num">Conversions</th>
            <th scope="col" class="num">Conversion rate</th>
            <th scope="col" class="num">95 % interval</th>
            <th scope="col" class="num">Expansion MRR</th>
            <th scope="col" class="num">Median days to convert</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{row.trigger}</th>
              <td>{row.variant}</td>
              <td class="num">{format.count(row.impressions)}</td>
              <td class="num">{format.count(row.accounts_reached)}</td>
              <td class="num">{format.count(row.clicks)}</td>
              <td class="num">{format.count(row.dismissals)}</td>
              <td class="num">{format.count(row.upgrade_requests)}</td>
              <td class="num">{format.count(row.conversions)}</td>
              <td class="num">{format.percent(row.conversion_rate)}</td>
              <td class="num">{format.interval(row.conversion_rate_ci)}</td>
              <td class="num">{format.money(row.expansion_mrr)}</td>
              <td class="num">{row.median_days_to_convert === null ? '–' : format.days(row.median_days_to_convert)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Each variant against its trigger's holdout: rates, absolute lift with its interval, p-value. */
export function HoldoutTable({ rows, format }: TableProps) {
  const compared = rows.filter((row) => row.lift !== null)
  if (compared.length === 0) {
    return (
      <p class="note">
        No trigger has holdout accounts in this range. Give a trigger <code>experiment: {'{ holdout: 10% }'}</code> in
        the rules file to measure lift against accounts that saw nothing.
      </p>
    )
  }
  return (
    <div class="scroll" role="region" aria-label="Scrollable table: Variant against holdout" tabIndex={0}>
      <table>
        <caption>Variant against holdout</caption>
        <thead>
          <tr>
            <th scope="col">Trigger</th>
            <th scope="col">Variant</th>
            <th scope="col" class="num">Conversion rate</th>
            <th scope="col" class="num">Holdout rate</th>
            <th scope="col" class="num">Lift</th>
            <th scope="col" class="num">95 % interval of lift</th>
            <th scope="col" class="num">p-value</th>
          </tr>
        </thead>
        <tbody>
          {compared.map((row) => (
            <tr class={row.p_value !== null && row.p_value < 0.05 ? 'significant' : undefined}>
              <th scope="row">{row.trigger}</th>
              <td>{row.variant}</td>
              <td class="num">{format.percent(row.conversion_rate)}</td>
              <td class="num">{format.percent(row.holdout_rate!)}</td>
              <td class="num">{format.points(row.lift!)}</td>
              <td class="num">{format.pointsInterval(row.lift_ci!)}</td>
              <td class="num">{format.pValue(row.p_value!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Expected expansion MRR from accounts eligible now, per trigger. */
export function ForecastTable({ rows, format }: { rows: ForecastRow[]; format: Formatters }) {
  if (rows.length === 0) return <p class="note">No account is currently eligible for a trigger.</p>
  return (
    <div class="scroll" role="region" aria-label="Scrollable table: Forecast from accounts eligible now" tabIndex={0}>
      <table>
        <caption>Forecast from accounts eligible now</caption>
        <thead>
          <tr>
            <th scope="col">Trigger</th>
            <th scope="col" class="num">Eligible accounts</th>
            <th scope="col" class="num">Conversion rate</th>
            <th scope="col" class="num">MRR per conversion</th>
            <th scope="col" class="num">Expected MRR</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <th scope="row">{row.trigger}</th>
              <td class="num">{format.count(row.eligible_accounts)}</td>
              <td class="num">{format.percent(row.conversion_rate)}</td>
              <td class="num">{format.money(row.mrr_delta)}</td>
              <td class="num">{format.money(row.expected_mrr)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
