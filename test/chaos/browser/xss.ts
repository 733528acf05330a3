// Check (real Chromium): XSS payloads in every copy field render as inert text in every widget for buyers and
// non-buyers; `javascript:`/`data:` CTA URLs are refused by loadRules and, injected into compiled rules, never
// become links nor run when clicked.
import { assignVariant, loadRules, type CompiledRules } from '@nudgekit/rules'
import type { Browser, Page } from 'playwright-core'
import type { Report } from '../report.ts'
import { launchChromium } from './chromium.ts'
import { COPY_FIELDS, compileRules, rulesText, type CopyField } from './rules.ts'
import { readWidgets, serveSite } from './site.ts'

/** Payload shapes, each naming the field it sits in so a hit says where the hole is. */
const PAYLOADS: ((tag: string) => string)[] = [
  (tag) => `<img src=x onerror="window.__pwned='${tag}';alert('${tag}')">`,
  (tag) => `<script>window.__pwned='${tag}';alert('${tag}')</script>`,
  (tag) => `<svg/onload="window.__pwned='${tag}';alert('${tag}')">`,
  (tag) => `"><iframe srcdoc="<script>parent.__pwned='${tag}';parent.alert('${tag}')</script>"></iframe>`,
  (tag) => `<a href="javascript:window.__pwned='${tag}';alert('${tag}')">${tag}</a>`,
  (tag) => `</style></template><script>window.__pwned='${tag}';alert('${tag}')</script>`,
  (tag) => `<details open ontoggle="window.__pwned='${tag}';alert('${tag}')">`,
  (tag) => `javascript:window.__pwned='${tag}';alert('${tag}')`,
]

const payloadFor = (field: CopyField): string => PAYLOADS[COPY_FIELDS.indexOf(field) % PAYLOADS.length]!(field.replace(/\W+/g, '_'))

/** Fields whose copy each page must show (others are overridden there: e.g. arm `a` hides the base banner copy). */
const SHOWN: Record<string, readonly CopyField[]> = {
  'buyer, arm a': ['metric label', 'feature label', 'free plan name', 'pro plan name', 'banner variant title', 'banner variant body', 'banner variant CTA label', 'modal title', 'modal body', 'modal CTA label', 'toast title', 'toast body', 'gate title', 'gate body', 'gate CTA label'],
  'buyer, arm b': ['banner title', 'banner body', 'banner CTA label', 'banner dismiss label', 'pro plan name'],
  'non-buyer': ['non-buyer title', 'non-buyer body', 'non-buyer CTA label', 'default non-buyer title', 'default non-buyer body', 'default non-buyer CTA label', 'metric label'],
}

const UNSAFE_URLS = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' \tjavascript:alert(1)',
  'java\nscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  '//evil.example/phish',
]

/** Accounts that land in each experiment arm of the banner trigger. */
function accountsByArm(rules: CompiledRules): { a: string; b: string } {
  const banner = rules.triggers.find((trigger) => trigger.id === 'banner-trigger')!
  const found: Record<string, string> = {}
  for (let i = 0; !(found.a && found.b); i++) found[assignVariant(banner, `acct_${i}`)] ??= `acct_${i}`
  return { a: found.a!, b: found.b! }
}

interface Visit {
  page: Page
  dialogs: string[]
}

async function visit(browser: Browser, url: string): Promise<Visit> {
  const page = await browser.newPage()
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  page.on('pageerror', (error) => console.error(`page error on ${url}: ${error.message}`))
  await page.goto(url)
  return { page, dialogs }
}

const pwnedIn = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)

/** Runs the check; figures go to `report`. */
export default async function xss(report: Report): Promise<void> {
  const hostile = compileRules(rulesText(payloadFor))
  const benign = compileRules(rulesText((field) => field))
  const arms = accountsByArm(hostile)

  const refused = UNSAFE_URLS.filter((url) => {
    const result = loadRules(rulesText((field) => field, url), { filename: 'unsafe.json' })
    return !result.ok && result.issues.some((issue) => issue.code === 'unsafe_url')
  })
  report.figure(
    'unsafe CTA URLs at validation',
    `${refused.length}/${UNSAFE_URLS.length} refused by loadRules (javascript:, data:, vbscript:, //host, with case, whitespace and newline tricks)`,
    refused.length === UNSAFE_URLS.length,
  )

  const injected = structuredClone(benign)
  for (const [index, trigger] of injected.triggers.entries()) {
    const url = index % 2 ? `data:text/html,<script>alert('data')</script>` : `javascript:window.__pwned='cta';alert('cta')`
    if (trigger.prompt.cta) trigger.prompt.cta.url = url
    for (const variant of Object.values(trigger.variants ?? {})) if (variant.cta) variant.cta.url = url
  }

  const site = await serveSite({ hostile, injected })
  const browser = await launchChromium()
  try {
    const pages = {
      'buyer, arm a': `${site.url}/?rules=hostile&role=admin&account=${arms.a}`,
      'buyer, arm b': `${site.url}/?rules=hostile&role=admin&account=${arms.b}`,
      'non-buyer': `${site.url}/?rules=hostile&role=member&account=${arms.a}`,
    }
    const missing: string[] = []
    const hits: string[] = []
    let shown = 0
    for (const [name, url] of Object.entries(pages)) {
      const { page, dialogs } = await visit(browser, url)
      const expected = SHOWN[name]!.map(payloadFor)
      const rendered = await readWidgets(page, expected)
      // Error and load events of injected markup would fire within a few frames; give them time to.
      await page.waitForTimeout(300)
      for (const field of SHOWN[name]!) {
        if (rendered.text.includes(payloadFor(field))) shown++
        else missing.push(`${name}: ${field}`)
      }
      const pwned = await pwnedIn(page)
      if (pwned) hits.push(`${name}: script ran from ${pwned}`)
      hits.push(...dialogs.map((message) => `${name}: dialog '${message}'`))
      await page.close()
    }
    report.figure(
      'XSS in copy fields',
      `${COPY_FIELDS.length} fields with payloads, ${shown} renderings checked as literal text, ${hits.length} scripts ran or dialogs opened` +
        (missing.length ? `; not on screen: ${missing.join(', ')}` : ''),
      hits.length === 0 && missing.length === 0,
    )
    for (const hit of hits) console.error(hit)

    const { page, dialogs } = await visit(browser, `${site.url}/?rules=injected&role=admin&account=${arms.a}`)
    const rendered = await readWidgets(page, ['banner variant title', 'modal title', 'gate title'])
    const unsafeLinks = rendered.hrefs.filter((href) => /^\s*(javascript|data|vbscript):/i.test(href))
    let clicked = 0
    // Dispatched, not pointer clicks: the modal's backdrop covers the other widgets, and the handlers are the point.
    for (const label of ['modal CTA label', 'banner variant CTA label', 'gate CTA label']) {
      const target = page.getByText(label, { exact: true })
      if ((await target.count()) === 0) continue
      await target.first().dispatchEvent('click')
      clicked++
      await page.waitForTimeout(100)
    }
    const pwned = await pwnedIn(page)
    await page.close()
    report.figure(
      'unsafe CTA URLs at render',
      `${unsafeLinks.length} javascript:/data: links among ${rendered.hrefs.length}, ${clicked} CTAs clicked, ${dialogs.length + (pwned ? 1 : 0)} scripts ran`,
      unsafeLinks.length === 0 && clicked > 0 && dialogs.length === 0 && !pwned && rendered.kinds.length > 0,
    )
  } finally {
    await browser.close()
    await site.close()
  }
}
