// The widgets in real Chromium under a strict CSP: no CSP violations, axe (with colour contrast) clean in
// light and dark, modal keyboard contract, a gate pending until the rules arrive, RTL placement and reduced
// motion; on Preact 10 and on 11, both in the peer range. Run: pnpm run test:browser
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve, sep } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { build } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { CHROMIUM_ARGS, ensureChromium } from '../../../scripts/ensure-chromium.mjs'
import { rules } from '../test/rules.ts'

const require = createRequire(import.meta.url)
const ORIGIN = 'https://widgets.test'

// The page allows nothing inline: scripts and styles only from its own origin.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'"

const html = (dir: string) => `<!doctype html><html lang="en" dir="${dir}"><head><meta charset="utf-8"><title>Host</title>
<meta http-equiv="Content-Security-Policy" content="${CSP}"></head>
<body><main><h1>Host app</h1><button id="opener" type="button">Invite teammate</button>
<div id="meter"></div><div id="gate"><button type="button">New segment</button><span slot="pending">Checking your plan…</span></div>
<div id="spacer"></div><button id="before-far" type="button">Before</button><button id="far" type="button">Far below</button><div id="spacer-2"></div></main>
<script src="/nudgekit.js"></script><script src="/app.js"></script></body></html>`

const app = `
window.cspViolations = []
document.addEventListener('securitypolicyviolation', (e) => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI))
const sent = (window.sent = [])
const query = new URLSearchParams(location.search)
const theme = query.get('theme')
if (query.get('banner')) document.documentElement.style.setProperty('--nudgekit-banner-position', query.get('banner'))
for (const id of ['spacer', 'spacer-2']) document.getElementById(id).style.setProperty('block-size', '2000px')
const rules = ${JSON.stringify(rules)}
// ?rules=later: a first visit, the rules arrive from the server when the test calls releaseRules().
const later = query.get('rules') === 'later'
const arrived = new Promise((resolve) => (window.releaseRules = resolve))
const nudge = Nudgekit.createNudge({
  endpoint: '${ORIGIN}/nudgekit', key: 'pk_test_1',
  account: { id: 'acct_1', plan: 'free' }, user: { id: 'user_1', role: query.get('role') },
  rules: later ? undefined : rules,
  fetch: async (url, init) => {
    if (String(url).endsWith('/v1/events')) sent.push(...JSON.parse(init.body).events.map((e) => e.type + ':' + (e.trigger ?? e.feature)))
    if (later && String(url).endsWith('/v1/rules')) return arrived.then(() => Response.json(rules, { headers: { etag: '"1"' } }))
    return new Response('{"triggers":{}}', { headers: { 'content-type': 'application/json' } })
  },
})
window.nudge = nudge
Nudgekit.mount(nudge, { theme })
Nudgekit.mountMeter(document.getElementById('meter'), nudge, 'contacts', { theme })
Nudgekit.mountGate(document.getElementById('gate'), nudge, 'segmentation', { theme })
nudge.setUsage('contacts', 85)
nudge.track('report_viewed')
`

let browser: Browser
let bundle: string
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** This package: its devDependencies hold both Preacts, the workspace's `preact` (10) and the alias `preact-11`. */
const PACKAGE = join(import.meta.dirname, '..')

/** The <script> bundle, built as CI builds it, with every `preact` import taken from `copy`. */
async function buildBundle(copy: 'preact' | 'preact-11'): Promise<string> {
  const result = await build({
    entryPoints: [join(PACKAGE, 'src/iife.ts')],
    bundle: true, minify: true, format: 'iife', conditions: ['@nudgekit/source'], jsx: 'automatic', jsxImportSource: 'preact',
    // esbuild resolves an alias's target from the working directory.
    alias: copy === 'preact' ? {} : { preact: copy },
    absWorkingDir: PACKAGE, write: false, metafile: true, logLevel: 'error',
  })
  // One Preact in the bundle, the one asked for: an alias that did not take would test 10 twice.
  const own = dirname(require.resolve(`${copy}/package.json`)) + sep
  const inputs = Object.keys(result.metafile!.inputs).map((input) => resolve(PACKAGE, input))
  const strays = inputs.filter((path) => /[/\\]node_modules[/\\]preact[/\\]/.test(path) && !path.startsWith(own))
  assert.deepEqual(strays, [], `the bundle for ${copy} has Preact modules from elsewhere`)
  return result.outputFiles![0]!.text
}

before(async () => {
  browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS })
})
after(() => browser?.close())

interface Setup {
  colorScheme: 'light' | 'dark'
  theme: 'light' | 'dark' | 'system'
  role?: string
  dir?: 'ltr' | 'rtl'
  banner?: 'fixed'
  rules?: 'later'
}

async function open({ colorScheme, theme, role = 'admin', dir = 'ltr', banner, rules: when }: Setup): Promise<Page> {
  const page = await browser.newPage()
  await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' })
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname
    const scripts: Record<string, string> = { '/nudgekit.js': bundle, '/app.js': app, '/axe.js': axeSource }
    const script = scripts[path]
    return route.fulfill(script ? { body: script, contentType: 'text/javascript' } : { body: html(dir), contentType: 'text/html' })
  })
  await page.goto(`${ORIGIN}/?theme=${theme}&role=${role}${banner ? `&banner=${banner}` : ''}${when ? `&rules=${when}` : ''}`)
  if (!when) await page.locator('.nk-toast').waitFor()
  return page
}

/** Serious and critical WCAG 2.2 A/AA violations, colour contrast included; axe looks into open shadow roots. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: '/axe.js' })
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> }
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } })
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`)
  })
}

const showModal = (page: Page) => page.evaluate(() => (window as unknown as { nudge: { setUsage(m: string, v: number): void } }).nudge.setUsage('seats', 3))

/** Role (or class) of the focused element inside the widgets' page-level shadow root. */
const focusedInWidgets = (page: Page) =>
  page.evaluate(() => {
    const active = document.querySelector('body > [data-nudgekit]')?.shadowRoot?.activeElement
    return active ? (active.getAttribute('role') ?? active.textContent ?? active.tagName) : null
  })

for (const copy of ['preact', 'preact-11'] as const) {
  const { version } = require(`${copy}/package.json`) as { version: string }
  describe(`widgets under a strict CSP in Chromium, on Preact ${version}`, () => {
    before(async () => {
      bundle = await buildBundle(copy)
    })

    const setups: Setup[] = [
      { colorScheme: 'light', theme: 'system' },
      { colorScheme: 'dark', theme: 'system' },
      { colorScheme: 'light', theme: 'dark' },
      { colorScheme: 'dark', theme: 'light', role: 'member' },
    ]
    for (const setup of setups) {
      it(`renders every kind with no CSP violation and no serious axe violation (${setup.theme} theme, ${setup.colorScheme} OS, ${setup.role ?? 'admin'})`, async () => {
        const page = await open(setup)
        assert.deepEqual(await violations(page), [], 'banner, toast, meter and locked card')
        await showModal(page)
        await page.locator('[role=dialog]').waitFor()
        assert.deepEqual(await violations(page), [], 'with the modal open')
        assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), [])
        const root = await page.evaluate(() => {
          const shadow = document.querySelector('body > [data-nudgekit]')?.shadowRoot
          return { adopted: shadow?.adoptedStyleSheets.length, styles: shadow?.querySelectorAll('style').length }
        })
        assert.deepEqual(root, { adopted: 1, styles: 0 })
        await page.close()
      })
    }

    it('moves focus into the modal, keeps Tab inside, closes on Esc and returns focus', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light' })
      await page.locator('#opener').focus()
      await showModal(page)
      // Focus moves in from a layout effect, as the dialog renders.
      await page.waitForFunction(() => document.querySelector('body > [data-nudgekit]')?.shadowRoot?.activeElement?.getAttribute('role') === 'dialog')
      const seen: Array<string | null> = []
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab')
        seen.push(await focusedInWidgets(page))
      }
      assert.deepEqual(seen, ['Upgrade to Pro', 'Remind me later', '×', 'Upgrade to Pro'])
      await page.keyboard.press('Escape')
      await page.locator('[role=dialog]').waitFor({ state: 'detached' })
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'opener')
      await page.close()
    })

    it('confirms a member\'s request to their admin in a live region, still axe-clean', async () => {
      const page = await open({ colorScheme: 'dark', theme: 'system', role: 'member' })
      const banner = page.locator('.nk-banner')
      await banner.getByRole('button', { name: 'Ask your admin' }).click()
      assert.equal(await banner.getByRole('status').textContent(), 'Request sent to your admin')
      assert.deepEqual(await violations(page), [])
      await page.close()
    })

    it('records one impression per visible prompt in the real IntersectionObserver', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light' })
      const sentImpressions = () =>
        page.evaluate(async () => {
          const w = window as unknown as { nudge: { flush(): Promise<void> }; sent: string[] }
          await w.nudge.flush()
          return w.sent.filter((event) => event.startsWith('impression:')).sort()
        })
      // Observers report on the next frames; poll rather than sleep.
      let impressions = await sentImpressions()
      for (let tries = 0; impressions.length < 3 && tries < 40; tries++) {
        await page.waitForTimeout(25)
        impressions = await sentImpressions()
      }
      assert.deepEqual(impressions, ['impression:contacts-80', 'impression:reports', 'impression:segmentation-gate'])
      await page.close()
    })

    it('places the banner in the page flow by default, covering none of the host page', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light' })
      const boxes = await page.evaluate(() => ({
        banner: document.querySelector('body > [data-nudgekit]')?.shadowRoot?.querySelector('.nk-banner')?.getBoundingClientRect().bottom,
        heading: document.querySelector('h1')?.getBoundingClientRect().top,
      }))
      assert.ok(boxes.banner && boxes.heading && boxes.heading >= boxes.banner, JSON.stringify(boxes))
      await page.close()
    })

    it('keeps Tab focus clear of a fixed banner through scroll padding, and restores it on dismiss', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light', banner: 'fixed' })
      const bannerBottom = await page.evaluate(
        () => document.querySelector('body > [data-nudgekit]')?.shadowRoot?.querySelector('.nk-banner')?.getBoundingClientRect().bottom ?? 0,
      )
      // Scroll so the far button sits right under the banner, then reach it with Tab from the element before.
      await page.evaluate((bottom) => {
        const far = document.getElementById('far') as HTMLElement
        scrollTo(0, far.getBoundingClientRect().top + scrollY - bottom / 2)
        ;(document.getElementById('before-far') as HTMLElement).focus({ preventScroll: true })
      }, bannerBottom)
      await page.keyboard.press('Tab')
      const top = await page.evaluate(() => ({ active: document.activeElement?.id, top: document.getElementById('far')?.getBoundingClientRect().top }))
      assert.equal(top.active, 'far')
      assert.ok((top.top ?? 0) >= bannerBottom, `focused button at ${top.top}px, under the banner ending at ${bannerBottom}px`)
      // The padding is restored in the same task that removes the banner: no frame in which the page keeps
      // clearance for a banner that is gone. A mutation observer's callback (a microtask) reads it then.
      await page.evaluate(() => {
        const shadow = document.querySelector('body > [data-nudgekit]')!.shadowRoot!
        const seen = window as unknown as { paddingAtRemoval?: string }
        new MutationObserver((records, observer) => {
          if (!records.some((record) => [...record.removedNodes].some((node) => (node as Element).querySelector?.('.nk-banner') || (node as Element).matches?.('.nk-banner')))) return
          seen.paddingAtRemoval = document.documentElement.style.getPropertyValue('scroll-padding-block-start')
          observer.disconnect()
        }).observe(shadow, { childList: true, subtree: true })
      })
      const banner = page.locator('.nk-banner')
      await banner.getByRole('button', { name: 'Dismiss' }).click()
      await banner.waitFor({ state: 'detached' })
      assert.equal(await page.evaluate(() => (window as unknown as { paddingAtRemoval?: string }).paddingAtRemoval), '')
      assert.equal(await page.evaluate(() => document.documentElement.style.getPropertyValue('scroll-padding-block-start')), '')
      await page.close()
    })

    it('shows a gate\'s slot="pending" children instead of its content until the rules arrive, then the locked card', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light', rules: 'later' })
      const gate = () => page.evaluate(() => (document.getElementById('gate') as HTMLElement).innerText.trim())
      assert.equal(await gate(), 'Checking your plan…')
      await page.evaluate(() => (window as unknown as { releaseRules(): void }).releaseRules())
      await page.locator('.nk-gate').waitFor()
      const text = await gate()
      assert.ok(!text.includes('Checking') && !text.includes('New segment'), text)
      assert.ok(await page.locator('#gate').getByText('Segmentation is on Pro').isVisible())
      // This gate prompt has no cta.url and the page no onCta: no CTA button, and no empty row where it was.
      assert.equal(await page.locator('#gate .nk-actions').evaluate((row) => getComputedStyle(row).display), 'none')
      await page.close()
    })

    it('puts the toast at the inline end in RTL and turns motion off under prefers-reduced-motion', async () => {
      const page = await open({ colorScheme: 'light', theme: 'light', dir: 'rtl' })
      const layout = await page.evaluate(() => {
        const shadow = document.querySelector('body > [data-nudgekit]')?.shadowRoot
        const toast = shadow?.querySelector('.nk-toast') as HTMLElement
        const button = shadow?.querySelector('.nk-btn') as HTMLElement
        return { left: toast.getBoundingClientRect().left, animation: getComputedStyle(toast).animationName, transition: getComputedStyle(button).transitionDuration }
      })
      assert.deepEqual(layout, { left: 16, animation: 'none', transition: '0s' })
      await page.close()
    })
  })
}
