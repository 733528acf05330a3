// The browser SDK against the real server handler (in process): rules, account state and events round-trip.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { assignVariant } from '@nudgekit/rules/evaluator'
import { createNudge, memoryStorage, type Nudge } from '@nudgekit/sdk'
import { createHandler, sqlite, type Handler, type Store } from '@nudgekit/server'
import { compileRules } from '../../packages/server/src/test-support/rules.ts'

const keys = { publishable: 'pk_test_0123456789abcdef', secret: 'sk_test_0123456789abcdef' }
const DAY = 86_400_000

let store: Store
let handler: Handler
let calls: string[]
/** What the server warned about, e.g. `events rejected` with the first rejection. */
let warnings: Record<string, unknown>[]
const logger = { info() {}, warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, ...fields }), error() {} }
const clients: Nudge[] = []

const fetcher: typeof fetch = async (input, init) => {
  const request = new Request(input as string, init)
  const response = await handler(request)
  calls.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`)
  return response
}

function client(account: string, user = 'u1'): Nudge {
  const nudge = createNudge({
    endpoint: 'https://app.example.com',
    key: keys.publishable,
    account: { id: account, plan: 'free', createdAt: Date.now() - 100 * DAY },
    user: { id: user, role: 'owner' },
    fetch: fetcher,
    storage: memoryStorage(),
  })
  clients.push(nudge)
  return nudge
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

beforeEach(() => {
  store = sqlite(':memory:')
  handler = createHandler({ rules: compileRules(), store, keys, logger })
  calls = []
  warnings = []
})
afterEach(async () => {
  for (const nudge of clients.splice(0)) nudge.destroy()
  handler.close()
  await store.close()
})

describe('SDK ↔ server', () => {
  it('loads the rules, shows the prompt, and the events land in the rollups with no rejections', async () => {
    const nudge = client('acme')
    await until(() => nudge.$rules.get() !== undefined)
    nudge.setUsage('contacts', 900)
    await until(() => nudge.$prompts.get().banner !== undefined)
    const banner = nudge.$prompts.get().banner!
    nudge.impression(banner)
    nudge.click(banner)
    await nudge.flush()

    expect(calls).toContain('GET /v1/rules 200')
    expect(calls).toContain('POST /v1/events 202')
    const [row] = await store.aggregates({ from: Date.now() - DAY, to: Date.now() + DAY })
    expect(row).toMatchObject({ trigger: 'contacts-80', variant: banner.variant, impressions: 1, clicks: 1, accounts_reached: 1 })
  })

  it('sends nothing the server rejects, from a held-out account and a shown one, through every prompt action, gate, usage and track', async () => {
    const contacts = compileRules().triggers.find((t) => t.id === 'contacts-80')!
    const accounts = Array.from({ length: 100 }, (_, i) => `acct_${i}`)
    const held = accounts.find((id) => assignVariant(contacts, id) === 'holdout')!
    const shown = accounts.find((id) => assignVariant(contacts, id) !== 'holdout')!
    for (const account of [held, shown]) {
      const nudge = client(account)
      await until(() => nudge.$rules.get() !== undefined)
      nudge.track('report_viewed', { from: 'menu' })
      nudge.setUsage('contacts', 900)
      nudge.increment('contacts')
      if (account === shown) {
        await until(() => nudge.$prompts.get().banner !== undefined)
        const banner = nudge.$prompts.get().banner!
        for (const act of [nudge.impression, nudge.click, nudge.requestUpgrade, nudge.snooze]) act(banner)
      }
      nudge.gate('segmentation')
      await until(() => nudge.$prompts.get().inline.segmentation !== undefined)
      const card = nudge.$prompts.get().inline.segmentation!
      for (const act of [nudge.impression, nudge.click, nudge.requestUpgrade, nudge.dismiss]) act(card)
      await nudge.flush()
    }

    expect(warnings.filter((w) => w.message === 'events rejected')).toEqual([])
    const stats = await (await handler(new Request('https://app.example.com/v1/stats', { headers: { authorization: `Bearer ${keys.secret}` } }))).json()
    expect(stats.rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ trigger: 'contacts-80', variant: assignVariant(contacts, shown), impressions: 1, clicks: 1, upgrade_requests: 1, snoozes: 1, holdout_accounts: 1 }),
      expect.objectContaining({ trigger: 'segmentation-gate', variant: 'default', impressions: 2, clicks: 2, upgrade_requests: 2, dismissals: 2 }),
    ]))
  })

  it("shares an account's dismissal with another user through GET /v1/state", async () => {
    const first = client('acme', 'u1')
    await until(() => first.$rules.get() !== undefined)
    first.setUsage('contacts', 900)
    await until(() => first.$prompts.get().banner !== undefined)
    const banner = first.$prompts.get().banner!
    first.impression(banner)
    first.dismiss(banner)
    await first.flush()

    const state = await (await handler(new Request('https://app.example.com/v1/state?account=acme', {
      headers: { authorization: `Bearer ${keys.publishable}` },
    }))).json()
    expect(state.triggers['contacts-80']).toMatchObject({ impressions: 1, dismissedAt: expect.any(Number), snoozedUntil: expect.any(Number) })

    const second = client('acme', 'u2')
    await until(() => calls.filter((call) => call.startsWith('GET /v1/state')).length >= 2)
    second.setUsage('contacts', 900)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(second.$prompts.get().banner).toBeUndefined()
  })
})
