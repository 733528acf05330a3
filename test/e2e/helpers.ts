// Small helpers for the e2e journey: polling, nudgekit stats over HTTP, focus inside shadow roots, screenshots.
import type { StatsRow } from '@nudgekit/server'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'

export const ARTIFACTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))

/** Calls `check` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The funnel counts of a stats row, summed over a trigger's variants. */
export type StatsRowLike = Pick<StatsRow, 'trigger' | 'variant' | 'impressions' | 'clicks' | 'dismissals' | 'upgrade_requests' | 'conversions' | 'expansion_mrr'>

/** Sums one trigger's stats rows over its variants (reads `GET /nudgekit/v1/stats` with the secret key). */
export async function triggerStats(baseUrl: string, secret: string, trigger: string): Promise<StatsRowLike | undefined> {
  const response = await fetch(`${baseUrl}/nudgekit/v1/stats?trigger=${encodeURIComponent(trigger)}`, {
    headers: { authorization: `Bearer ${secret}` },
  })
  if (!response.ok) throw new Error(`GET /v1/stats answered ${response.status}: ${await response.text()}`)
  const rows = ((await response.json()) as { rows: StatsRowLike[] }).rows.filter((row) => row.trigger === trigger && row.variant !== 'holdout')
  if (rows.length === 0) return undefined
  const sum = (key: keyof StatsRowLike) => rows.reduce((total, row) => total + Number(row[key]), 0)
  return {
    trigger,
    variant: rows.map((row) => row.variant).join(','),
    impressions: sum('impressions'),
    clicks: sum('clicks'),
    dismissals: sum('dismissals'),
    upgrade_requests: sum('upgrade_requests'),
    conversions: sum('conversions'),
    expansion_mrr: sum('expansion_mrr'),
  }
}

/** Describes the focused element, looking through open shadow roots: its text and whether a dialog holds it. */
export function focused(page: Page): Promise<{ text: string; inDialog: boolean; tag: string }> {
  return page.evaluate(() => {
    let element = document.activeElement
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement
    return {
      text: (element?.textContent ?? '').trim(),
      inDialog: Boolean(element?.closest('[role="dialog"]')),
      tag: element?.localName ?? '',
    }
  })
}

/** Saves a viewport screenshot as `test-results/e2e/<name>.png` and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = `${ARTIFACTS}${name}.png`
  await page.screenshot({ path })
  return path
}
