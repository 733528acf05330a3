import { h } from 'preact'
import { renderToString } from 'preact-render-to-string'
import { describe, expect, it } from 'vitest'
import type { StatsRow } from '../stats/types.ts'
import { createFormatters } from './format.ts'
import { HoldoutTable } from './tables.ts'

const format = createFormatters('en-US', 'USD')

describe('HoldoutTable', () => {
  it('names one account on either side in the singular', () => {
    const row: StatsRow = {
      trigger: 'contacts-80',
      variant: 'a',
      impressions: 3,
      accounts_reached: 1,
      clicks: 1,
      dismissals: 0,
      snoozes: 0,
      upgrade_requests: 0,
      conversions: 1,
      conversion_rate: 1,
      reached_conversions: 1,
      reached_conversion_rate: 1,
      conversion_rate_ci: [0.21, 1],
      holdout_rate: 0,
      lift: 1,
      lift_ci: [-0.2, 1],
      p_value: 0.16,
      expansion_mrr: 49,
      median_days_to_convert: 2,
      holdout_accounts: 1,
      holdout_conversions: 0,
    }
    const html = renderToString(h(HoldoutTable, { rows: [row], format }))
    expect(html).toContain('<span class="sub">1 of 1 account</span>')
    expect(html).toContain('<span class="sub">0 of 1 account</span>')
  })
})
