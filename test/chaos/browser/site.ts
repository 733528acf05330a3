// The host site the browser checks load: a plain page, the real IIFE build, a bootstrap script and stub API routes.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { CompiledRules } from '@nudgekit/rules'
import type { Page } from 'playwright-core'
import { PUBLISHABLE_KEY, REPO_ROOT } from '../server-process.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const IIFE = join(REPO_ROOT, 'packages/widgets/dist/nudgekit.iife.js')
const SOURCES = ['packages/rules/src', 'packages/sdk/src', 'packages/widgets/src'].map((dir) => join(REPO_ROOT, dir))

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

/**
 * The `<script>` bundle as users get it (`pnpm build` → `packages/widgets/dist/nudgekit.iife.js`), rebuilt
 * first when it is missing or older than the rules, SDK or widgets sources.
 */
export function iifeBundle(): string {
  const stale = !existsSync(IIFE) || statSync(IIFE).mtimeMs < Math.max(...SOURCES.map(newestSource))
  if (stale) {
    console.log('building the IIFE bundle (pnpm build) because dist is missing or older than the sources…')
    const rollup = join(REPO_ROOT, 'node_modules/rollup/dist/bin/rollup')
    const result = spawnSync(process.execPath, [rollup, '-c', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' })
    if (result.status !== 0) throw new Error(`the build failed (rollup exited ${result.status})`)
  }
  return readFileSync(IIFE, 'utf8')
}

/**
 * The host page's script (external, so a strict CSP allows it): creates the client with the rules named
 * in `?rules=`, mounts every widget kind, then pushes usage and a gate hit so that each placement shows.
 */
const APP_JS = `(async () => {
  const params = new URLSearchParams(location.search)
  const rules = await (await fetch('/rules/' + params.get('rules') + '.json')).json()
  const nudge = Nudgekit.createNudge({
    endpoint: location.origin + '/nk',
    key: ${JSON.stringify(PUBLISHABLE_KEY)},
    account: { id: params.get('account') || 'acct_browser', plan: 'free' },
    user: { id: 'user_browser', role: params.get('role') || 'admin' },
    rules,
  })
  Nudgekit.mount(nudge)
  Nudgekit.mountGate(document.getElementById('gate'), nudge, 'segmentation')
  Nudgekit.mountMeter(document.getElementById('meter'), nudge, 'contacts')
  nudge.setUsage('contacts', 900)
  nudge.setUsage('seats', 3)
  nudge.gate('segmentation')
  document.documentElement.dataset.ready = 'true'
})()
`

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>nudgekit chaos host</title></head>
<body>
<main>
  <h1>Host app</h1>
  <div id="gate"><p>Segments list</p></div>
  <div id="meter"></div>
</main>
<script src="/nudgekit.iife.js"></script>
<script src="/app.js"></script>
</body>
</html>
`

/**
 * Serves the host page with the IIFE and one JSON file per rules set (`/?rules=<name>&role=<role>&account=<id>`), plus stub
 * `/nk/v1/events` and `/nk/v1/state` answers. `headers` go on every answer (e.g. a CSP).
 * @example const site = await serveSite({ xss: rules }, { 'content-security-policy': "default-src 'self'" })
 */
export function serveSite(rules: Record<string, CompiledRules>, headers: Record<string, string> = {}): Promise<StaticServer> {
  const js = 'text/javascript; charset=utf-8'
  const json = 'application/json'
  return serveStatic(
    {
      '/': { body: PAGE, type: 'text/html; charset=utf-8' },
      '/nudgekit.iife.js': { body: iifeBundle(), type: js },
      '/app.js': { body: APP_JS, type: js },
      '/nk/v1/events': { body: JSON.stringify({ accepted: 0, duplicates: 0, rejected: [] }), type: json, status: 202 },
      '/nk/v1/state': { body: JSON.stringify({ triggers: {} }), type: json },
      ...Object.fromEntries(Object.entries(rules).map(([name, compiled]) => [`/rules/${name}.json`, { body: JSON.stringify(compiled), type: json }])),
    },
    headers,
  )
}

/** What the widgets put on the page, read through every open shadow root. */
export interface Rendered {
  /** All text, shadow roots included, then every `aria-label` (where copy such as a dismiss label goes). */
  text: string
  /** `href` of every link in the page and its shadow roots. */
  hrefs: string[]
  /** Widget kinds found (by their `nk-<kind>` class): banner, modal, toast, gate, meter. */
  kinds: string[]
}

/**
 * Waits until the host script ran and the widgets rendered `expectedTitles`, then reads the page.
 * @example const rendered = await readWidgets(page, ['Banner title'])
 */
export async function readWidgets(page: Page, expectedTitles: readonly string[]): Promise<Rendered> {
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 15_000 })
  await page
    .waitForFunction(
      (titles) => {
        const texts: string[] = []
        const walk = (root: Document | ShadowRoot) => {
          for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot)
          texts.push(root === document ? document.body.innerText : (root as ShadowRoot).textContent ?? '')
        }
        walk(document)
        const all = texts.join('\n')
        return titles.every((title) => all.includes(title))
      },
      expectedTitles,
      { timeout: 15_000 },
    )
    .catch(() => undefined)
  return page.evaluate(() => {
    const texts: string[] = []
    const labels: string[] = []
    const hrefs: string[] = []
    const kinds = new Set<string>()
    const walk = (root: Document | ShadowRoot) => {
      for (const element of root.querySelectorAll('*')) {
        if (element.shadowRoot) walk(element.shadowRoot)
        if (element instanceof HTMLAnchorElement) hrefs.push(element.getAttribute('href') ?? '')
        const label = element.getAttribute('aria-label')
        if (label) labels.push(label)
        for (const kind of ['banner', 'modal', 'toast', 'gate', 'meter']) if (element.classList.contains(`nk-${kind}`)) kinds.add(kind)
      }
      texts.push(root === document ? document.body.innerText : (root as ShadowRoot).textContent ?? '')
    }
    walk(document)
    return { text: [...texts, ...labels].join('\n'), hrefs, kinds: [...kinds] }
  })
}
