// The fake checkout: a payment page, and the demo backend that reports the conversion to nudgekit with the sk.
import { randomUUID } from 'node:crypto'
import type { CompiledRules, Price } from '@nudgekit/rules/evaluator'
import type { DemoAccount, DemoState } from './demo-state.ts'
import { documentHtml, escapeHtml } from './pages.ts'

export type Term = 'monthly' | 'annual'

/** A plan or add-on the account can buy, with what it adds to monthly recurring revenue. */
export interface Offer {
  kind: 'plan' | 'addon'
  id: string
  name: string
  term: Term
  /** What the customer pays per month on this offer. */
  monthly: number
  /** Change in monthly recurring revenue for the account. */
  mrrDelta: number
}

const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value)

const monthlyOf = (price: Price, term: Term): number | undefined =>
  term === 'annual' ? (price.annual === undefined ? undefined : price.annual / 12) : price.monthly

/** Resolves `?plan=` (a plan or add-on id) and `?term=` against the rules; an error message otherwise. */
export function findOffer(rules: CompiledRules, account: DemoAccount, query: URLSearchParams): Offer | { error: string } {
  const id = query.get('plan') ?? query.get('addon') ?? ''
  const term: Term = query.get('term') === 'annual' ? 'annual' : 'monthly'
  const current = rules.plans.find((plan) => plan.id === account.plan)
  const currentMonthly = current?.price.monthly ?? 0
  const plan = rules.plans.find((candidate) => candidate.id === id)
  if (plan) {
    const monthly = monthlyOf(plan.price, term)
    if (monthly === undefined) return { error: `${plan.name} has no ${term} price` }
    if (plan.id === account.plan && term === 'monthly') return { error: `the account is already on ${plan.name}` }
    return { kind: 'plan', id: plan.id, name: plan.name, term, monthly, mrrDelta: round(monthly - currentMonthly) }
  }
  const addon = rules.addons.find((candidate) => candidate.id === id)
  if (addon) {
    const monthly = monthlyOf(addon.price, term)
    if (monthly === undefined) return { error: `${addon.name} has no ${term} price` }
    if (account.addons.includes(addon.id)) return { error: `the account already has ${addon.name}` }
    return { kind: 'addon', id: addon.id, name: addon.name, term, monthly, mrrDelta: round(monthly) }
  }
  const known = [...rules.plans.map((p) => p.id), ...rules.addons.map((a) => a.id)].join(', ')
  return { error: `unknown plan or add-on '${id}' (known: ${known})` }
}

const round = (value: number) => Math.round(value * 100) / 100

export function checkoutPage(offer: Offer | { error: string }, account: DemoAccount): string {
  if ('error' in offer) {
    return documentHtml(
      'Checkout · Acme CRM',
      `<main class="narrow"><h1>Checkout</h1><p class="error" role="alert">Cannot check out: ${escapeHtml(offer.error)}.</p>
<p><a href="/">Back to Acme CRM</a></p></main>`,
    )
  }
  const per = offer.term === 'annual' ? 'month, billed yearly' : 'month'
  return documentHtml(
    'Checkout · Acme CRM',
    `<main class="narrow checkout">
<p class="muted">Acme CRM · fake checkout (no card is charged)</p>
<h1>Upgrade to ${escapeHtml(offer.name)}</h1>
<dl class="facts"><dt>Account</dt><dd><code>${escapeHtml(account.accountId)}</code></dd>
<dt>Price</dt><dd>${money(offer.monthly)} / ${per}</dd>
<dt>Change in MRR</dt><dd>+${money(offer.mrrDelta)}</dd></dl>
<form method="post" action="/billing/upgrade" class="card form">
<input type="hidden" name="${offer.kind}" value="${escapeHtml(offer.id)}">
<input type="hidden" name="term" value="${offer.term}">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" readonly>
<button type="submit" class="btn">Pay and upgrade</button>
</form>
<p><a href="/">Cancel</a></p>
</main>`,
  )
}

/** What nudgekit answered to the conversion (which trigger and variant got the credit). */
export type Attribution = Record<string, unknown>

/**
 * The demo's billing backend: reports the conversion server-to-server (secret key, never in the browser),
 * then switches the account's plan. `report` posts to nudgekit's `POST /v1/conversions`.
 */
export async function completeCheckout(
  offer: Offer,
  state: DemoState,
  report: (body: unknown) => Promise<{ status: number; body: Attribution }>,
): Promise<{ account: DemoAccount; attribution: Attribution } | { error: string }> {
  const account = state.get()
  const answer = await report({ id: randomUUID(), account: account.accountId, to: offer.id, mrr_delta: offer.mrrDelta, ts: Date.now() })
  if (answer.status >= 300) return { error: `nudgekit refused the conversion (HTTP ${answer.status}): ${JSON.stringify(answer.body)}` }
  const next = state.upgrade(offer.kind === 'plan' ? { plan: offer.id } : { addon: offer.id }, {
    to: offer.id,
    mrrDelta: offer.mrrDelta,
    attribution: answer.body,
  })
  return { account: next, attribution: answer.body }
}

export function receiptPage(account: DemoAccount): string {
  const upgrade = account.lastUpgrade
  const credit = upgrade ? describeCredit(upgrade.attribution) : 'No upgrade yet.'
  return documentHtml(
    'Upgraded · Acme CRM',
    `<main class="narrow checkout">
<h1>You're on ${escapeHtml(account.plan)}${account.addons.length ? ` + ${escapeHtml(account.addons.join(', '))}` : ''}</h1>
<p>Thanks! The demo backend reported the conversion to nudgekit with the secret key.</p>
<p class="card" data-testid="attribution">${escapeHtml(credit)}</p>
<pre class="code" aria-label="nudgekit's answer">${escapeHtml(JSON.stringify(upgrade?.attribution ?? null, null, 2))}</pre>
<p><a class="btn" href="/">Back to Acme CRM</a></p>
</main>`,
  )
}

function describeCredit(attribution: unknown): string {
  const answer = (attribution ?? {}) as { trigger?: unknown; variant?: unknown }
  return typeof answer.trigger === 'string'
    ? `nudgekit credited trigger ${answer.trigger}${typeof answer.variant === 'string' ? ` (variant ${answer.variant})` : ''}.`
    : 'nudgekit found no prompt exposure within the attribution window, so no trigger got the credit.'
}
