// Check (real Chromium): a page served with `Content-Security-Policy: default-src 'self'` (no unsafe-inline)
// renders every widget kind — banner, modal, toast, inline gate card, meter — with zero CSP violations.
import type { Report } from '../report.ts'
import { launchChromium } from './chromium.ts'
import { compileRules, rulesText } from './rules.ts'
import { readWidgets, serveSite } from './site.ts'

const POLICY = "default-src 'self'"
const KINDS = ['banner', 'modal', 'toast', 'gate', 'meter']

/** Runs the check; figures go to `report`. */
export default async function csp(report: Report): Promise<void> {
  const rules = compileRules(rulesText((field) => field))
  const site = await serveSite({ plain: rules }, { 'content-security-policy': POLICY })
  const browser = await launchChromium()
  try {
    const violations: string[] = []
    const kinds = new Set<string>()
    for (const role of ['admin', 'member']) {
      const page = await browser.newPage()
      await page.addInitScript(() => {
        const seen: string[] = []
        ;(window as unknown as { __violations: string[] }).__violations = seen
        document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI || 'inline'} ${event.sample}`), true)
      })
      page.on('console', (message) => {
        if (/content security policy|refused to/i.test(message.text())) violations.push(`${role}: console: ${message.text()}`)
      })
      page.on('pageerror', (error) => violations.push(`${role}: page error: ${error.message}`))
      await page.goto(`${site.url}/?rules=plain&role=${role}`)
      const rendered = await readWidgets(page, role === 'admin' ? ['modal title', 'toast title', 'gate title'] : ['default non-buyer title'])
      for (const kind of rendered.kinds) kinds.add(kind)
      // Closing the modal re-renders the host and moves focus: dynamic styling must pass the policy too.
      await page.keyboard.press('Escape')
      await page.waitForTimeout(200)
      const seen = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)
      violations.push(...seen.map((violation) => `${role}: ${violation}`))
      await page.close()
    }
    const missing = KINDS.filter((kind) => !kinds.has(kind))
    report.figure(
      'strict CSP',
      `"${POLICY}": ${KINDS.length - missing.length}/${KINDS.length} widget kinds rendered (${[...kinds].join(', ')}), ${violations.length} violations`,
      missing.length === 0 && violations.length === 0,
    )
    for (const violation of violations) console.error(violation)
  } finally {
    await browser.close()
    await site.close()
  }
}
