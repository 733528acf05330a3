import { describe, expect, it } from 'vitest'
import { CSV_HEADER, toCsv } from './csv.ts'
import type { StatsResult, StatsRow } from './types.ts'

const row: StatsRow = {
  trigger: 'contacts-80',
  variant: 'a',
  impressions: 340,
  accounts_reached: 100,
  clicks: 41,
  dismissals: 77,
  snoozes: 23,
  upgrade_requests: 5,
  conversions: 12,
  conversion_rate: 0.12,
  conversion_rate_ci: [0.07, 0.1981],
  reached_conversions: 14,
  reached_conversion_rate: 0.14,
  holdout_rate: 0.15,
  lift: -0.01,
  lift_ci: [-0.12, 0.06],
  p_value: 0.5,
  expansion_mrr: 588,
  median_days_to_convert: 4.5,
  holdout_accounts: 200,
  holdout_conversions: 30,
}

function csv(rows: StatsRow[]): string[] {
  const result: StatsResult = { from: '2026-01-01', to: '2026-01-31', rows }
  return toCsv(result).split('\r\n')
}

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated line per row with the intervals split', () => {
    const lines = csv([row])
    expect(lines[0]).toBe(
      'from,to,trigger,variant,impressions,accounts_reached,clicks,dismissals,snoozes,upgrade_requests,conversions,' +
        'conversion_rate,conversion_rate_low,conversion_rate_high,reached_conversions,reached_conversion_rate,holdout_rate,lift,lift_low,lift_high,p_value,' +
        'expansion_mrr,median_days_to_convert,holdout_accounts,holdout_conversions',
    )
    expect(lines[1]).toBe('2026-01-01,2026-01-31,contacts-80,a,340,100,41,77,23,5,12,0.12,0.07,0.1981,14,0.14,0.15,-0.01,-0.12,0.06,0.5,588,4.5,200,30')
    expect(lines[2]).toBe('')
    expect(lines).toHaveLength(3)
  })

  it('leaves cells empty where the stats are null', () => {
    const cells = csv([{ ...row, holdout_rate: null, lift: null, lift_ci: null, p_value: null, median_days_to_convert: null }])[1]!.split(',')
    for (const column of ['holdout_rate', 'lift', 'lift_low', 'lift_high', 'p_value', 'median_days_to_convert']) {
      expect(cells[CSV_HEADER.indexOf(column)]).toBe('')
    }
  })

  it('quotes cells with commas, quotes and line breaks, doubling inner quotes', () => {
    const text = toCsv({ from: '2026-01-01', to: '2026-01-31', rows: [{ ...row, trigger: 'say "hi", now', variant: 'two\nlines' }] })
    expect(text).toContain('"say ""hi"", now","two\nlines"')
  })

  it.each(['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', '\tcmd', '\rcmd'])(
    'neutralises a text cell starting like a formula: %j',
    (trigger) => {
      const text = toCsv({ from: '2026-01-01', to: '2026-01-31', rows: [{ ...row, trigger }] })
      const expected = /[",\r\n]/.test(`'${trigger}`) ? `"'${trigger.replaceAll('"', '""')}"` : `'${trigger}`
      expect(text).toContain(`2026-01-31,${expected},a,`)
    },
  )

  it('writes only the header when there are no rows', () => {
    expect(csv([])).toEqual([CSV_HEADER.join(','), ''])
  })
})
