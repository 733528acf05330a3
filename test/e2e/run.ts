// The real-browser journey through Acme CRM: prompts, restraint, the request flow, attribution, the dashboard, a11y.
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { assignVariant, type CompiledRules } from '@nudgekit/rules/evaluator'
import { startDemo, type RunningDemo } from '../../examples/saas-demo/server/demo-server.ts'
import { describeViolations, seriousViolations } from './axe.ts'
import { launchChromium } from '../chaos/browser/chromium.ts'
import { ARTIFACTS, eventually, focused, screenshot, triggerStats } from './helpers.ts'

const README_SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url))

let demo: RunningDemo
let browser: Browser
let page: Page
let dataDir: string
const pageErrors: string[] = []

const banner = () => page.locator('.nk-banner')
const modal = () => page.locator('[role="dialog"]')
const toast = () => page.locator('.nk-toast')
const lockedCard = () => page.locator('.nk-gate')
const meter = () => page.locator('[role="progressbar"]').first()

async function assertAccessible(what: string, target: Page = page) {
  const violations = await seriousViolations(target)
  assert.equal(violations.length, 0, `serious or critical axe violations with the ${what}:\n${describeViolations(violations)}`)
}

async function open(hash: string) {
  await page.goto(`${demo.url}/${hash}`)
  await appReady()
}

/** The app is ready when its main heading is there and nudgekit's rules have loaded (meters render). */
async function appReady() {
  await page.locator('main h1').first().waitFor()
  await page.waitForFunction(() => document.querySelector('[data-nudgekit]') !== null)
}

async function addTenContacts(times: number) {
  for (let i = 0; i < times; i++) {
    const before = await page.getByTestId('contacts-count').textContent()
    await page.getByRole('button', { name: 'Add 10 contacts' }).click()
    await page.waitForFunction((text) => document.querySelector('[data-testid="contacts-count"]')?.textContent !== text, before)
  }
}

/**
 * Resets the demo until its account lands in the first arm of the contacts-80 experiment: never in the
 * holdout (the banner must show), and always the same copy (so the README screenshot does not churn).
 */
async function accountInFirstArm() {
  const rules = (await (
    await fetch(`${demo.url}/nudgekit/v1/rules`, { headers: { authorization: `Bearer ${demo.keys.publishable}` } })
  ).json()) as CompiledRules
  const trigger = rules.triggers.find((candidate) => candidate.id === 'contacts-80')
  assert.ok(trigger, 'the demo rules define contacts-80')
  const arm = Object.keys(trigger.variants ?? {})[0] ?? 'default'
  for (let attempt = 0; attempt < 100; attempt++) {
    const state = (await (await fetch(`${demo.url}/api/state`)).json()) as { account: { accountId: string } }
    if (assignVariant(trigger, state.account.accountId) === arm) return
    await fetch(`${demo.url}/api/reset`, { method: 'POST' })
  }
  throw new Error(`no fresh account landed in the '${arm}' arm of contacts-80 in 100 tries`)
}

describe('Acme CRM in Chromium', { concurrency: false }, () => {
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nudgekit-e2e-'))
    demo = await startDemo({ port: 0, dataDir })
    await accountInFirstArm()
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', reducedMotion: 'reduce' })
    page.on('pageerror', (error) => pageErrors.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`)
    })
  })

  after(async () => {
    await browser?.close()
    await demo?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps the secret routes closed to the publishable key the browser holds', async () => {
    const stats = (key?: string) =>
      fetch(`${demo.url}/nudgekit/v1/stats`, { headers: key ? { authorization: `Bearer ${key}` } : {} }).then((r) => r.status)
    assert.equal(await stats(), 401)
    assert.equal(await stats(demo.keys.publishable), 403)
    assert.equal(await stats(demo.keys.secret), 200)
    const conversion = await fetch(`${demo.url}/nudgekit/v1/conversions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.keys.publishable}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'forged', account: 'acme-forged', to: 'pro' }),
    })
    assert.equal(conversion.status, 403)
    const state = await (await fetch(`${demo.url}/api/state`)).text()
    assert.ok(!state.includes(demo.keys.secret), 'the demo API handed the secret key to the browser')
  })

  it('shows the usage meter and no prompt while the account is well under its limits', async () => {
    await open('#/contacts')
    await meter().waitFor()
    assert.equal(await banner().count(), 0)
    await assertAccessible('usage meter')
    await screenshot(page, 'meter')
  })

  it('shows the banner at 80 % of the contacts limit and stores its impression', async () => {
    await addTenContacts(3)
    await banner().waitFor()
    const stats = await eventually('the banner impression in GET /v1/stats', async () => {
      const row = await triggerStats(demo.url, demo.keys.secret, 'contacts-80')
      return row && row.impressions >= 1 ? row : undefined
    })
    assert.equal(stats.impressions, 1)
    await assertAccessible('banner')
    mkdirSync(dirname(README_SCREENSHOT), { recursive: true })
    copyFileSync(await screenshot(page, 'banner'), README_SCREENSHOT)
  })

  it('keeps a dismissed banner away after a reload while it is snoozed', async () => {
    await banner().locator('.nk-close').click()
    await banner().waitFor({ state: 'detached' })
    await eventually('the dismissal in GET /v1/stats', async () => {
      const row = await triggerStats(demo.url, demo.keys.secret, 'contacts-80')
      return row && row.dismissals === 1 ? row : undefined
    })
    await page.reload()
    await appReady()
    // A negative check: give the SDK time to load rules and state and decide, then look.
    await page.waitForTimeout(1500)
    assert.equal(await banner().count(), 0, 'the dismissed banner came back after a reload')
  })

  it('shows the locked-feature card on Segmentation', async () => {
    await open('#/segments')
    await lockedCard().waitFor()
    assert.equal(await page.getByTestId('segment-builder').isVisible(), false)
    await assertAccessible('inline locked card')
    await screenshot(page, 'inline')
  })

  it('offers a member "Ask your admin" instead of an upgrade, and stores the request', async () => {
    await page.getByTestId('role').selectOption('member')
    const ask = lockedCard().getByRole('button', { name: 'Ask your admin' })
    await ask.waitFor()
    assert.equal(await lockedCard().getByRole('link').count(), 0, 'a member was offered the upgrade link')
    await ask.click()
    await lockedCard().getByText('Request sent to your admin').waitFor()
    await screenshot(page, 'ask-your-admin')
    const stats = await eventually('the upgrade request in GET /v1/stats', async () => {
      const row = await triggerStats(demo.url, demo.keys.secret, 'segmentation-gate')
      return row && row.upgrade_requests >= 1 ? row : undefined
    })
    assert.equal(stats.upgrade_requests, 1)
    await page.getByTestId('role').selectOption('admin')
    await ask.waitFor({ state: 'detached' })
  })

  it('opens the modal at 100 % with focus trapped inside, and Esc closes it and returns focus', async () => {
    await open('#/contacts')
    await addTenContacts(1)
    await modal().waitFor()
    await eventually('focus inside the dialog', async () => ((await focused(page)).inDialog ? true : undefined), 3000)
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab')
      assert.ok((await focused(page)).inDialog, `Tab ${i + 1} moved focus out of the dialog`)
    }
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Shift+Tab')
      assert.ok((await focused(page)).inDialog, `Shift+Tab ${i + 1} moved focus out of the dialog`)
    }
    await assertAccessible('modal')
    await screenshot(page, 'modal')
    await page.keyboard.press('Escape')
    await modal().waitFor({ state: 'detached' })
    assert.equal((await focused(page)).text, 'Add 10 contacts', 'focus did not return to the button that opened the modal')
  })

  it('shows the seat-cap toast to the admin when the last seat is taken', async () => {
    await open('#/team')
    await page.getByRole('button', { name: 'Invite member' }).click()
    await page.getByRole('button', { name: 'Invite member' }).click()
    await toast().waitFor()
    await assertAccessible('toast')
    await screenshot(page, 'toast')
  })

  it('credits the upgrade bought through the fake checkout to the trigger whose prompt was clicked', async () => {
    const cta = toast().getByRole('link', { name: /Add seats/ })
    await cta.click()
    await page.getByRole('heading', { name: 'Upgrade to Pro' }).waitFor()
    await assertAccessible('checkout page')
    await page.getByRole('button', { name: 'Pay and upgrade' }).click()
    assert.match((await page.getByTestId('attribution').textContent()) ?? '', /credited trigger seats-cap\b/)
    await assertAccessible('receipt page')
    const stats = await eventually('the conversion in GET /v1/stats', async () => {
      const row = await triggerStats(demo.url, demo.keys.secret, 'seats-cap')
      return row && row.conversions === 1 ? row : undefined
    })
    assert.equal(stats.clicks, 1)
    assert.equal(stats.expansion_mrr, 49)
    await page.goto(`${demo.url}/#/segments`)
    await page.getByTestId('segment-builder').waitFor()
    assert.equal(await lockedCard().count(), 0, 'the locked card stayed after the upgrade to Pro')
    assert.equal(await page.getByTestId('plan-badge').textContent(), 'Pro plan')
  })

  it("shows the credited trigger's numbers on the dashboard after signing in with the secret key", async () => {
    await page.goto(`${demo.url}/nudgekit/dashboard`)
    await page.getByLabel('Secret key').fill(demo.keys.secret)
    await page.getByRole('button', { name: 'Sign in' }).click()
    const table = page.locator('section[aria-labelledby="table-heading"] table')
    await table.waitFor()
    const cells = await table.evaluate((element) => {
      const headers = [...element.querySelectorAll('thead th')].map((cell) => cell.textContent?.trim() ?? '')
      const row = [...element.querySelectorAll('tbody tr')].find((tr) => tr.querySelector('th')?.textContent?.trim() === 'seats-cap')
      const values = row ? [...row.children].map((cell) => cell.textContent?.trim() ?? '') : []
      return Object.fromEntries(headers.map((header, index) => [header, values[index]]))
    })
    assert.equal(cells.Trigger, 'seats-cap', 'the dashboard has no row for seats-cap')
    assert.equal(cells.Impressions, '1')
    assert.equal(cells.Clicks, '1')
    assert.equal(cells.Conversions, '1')
    assert.match(cells['Expansion MRR'] ?? '', /49/)
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true })
    // The dashboard's CSP (rightly) blocks the injected axe script: audit the same page in a context that bypasses CSP.
    const audit = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 } })
    await audit.addCookies(await page.context().cookies())
    const auditPage = await audit.newPage()
    await auditPage.goto(page.url())
    await auditPage.locator('section[aria-labelledby="table-heading"] table').waitFor()
    await assertAccessible('dashboard', auditPage)
    await audit.close()
  })

  it('starts over with a fresh account, back on Free, after "Reset demo"', async () => {
    await open('#/settings')
    const accountId = () => page.getByTestId('account-id').textContent()
    const before = await accountId()
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reset demo' }).click()])
    await open('#/settings')
    assert.notEqual(await accountId(), before)
    assert.equal(await page.getByTestId('plan').textContent(), 'free')
  })

  it('mounts the same prompts in the React host, once each under StrictMode', async () => {
    await accountInFirstArm()
    await page.goto(`${demo.url}/react/`)
    await page.getByRole('heading', { name: 'Contacts' }).waitFor()
    await meter().waitFor()
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Add 10 contacts' }).click()
    await banner().waitFor()
    assert.equal(await banner().count(), 1)
    assert.equal(await lockedCard().count(), 1)
    await assertAccessible('React host')
    await screenshot(page, 'react-host')
  })

  it('raised no uncaught errors, console errors or CSP violations in the pages', () => {
    assert.deepEqual(pageErrors, [])
  })
})
