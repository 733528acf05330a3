// The fake checkout: pages for the rules file's CTA URLs, and the backend that reports conversions with the sk.
import { randomUUID } from 'node:crypto'
import type { CompiledRules, Price } from '@nudgekit/rules/evaluator'
import type { DemoAccount, DemoState } from './demo-state.ts'
import { documentHtml, escapeHtml } from './pages.ts'

export type Term = 'monthly' | 'annual'

/** What the customer asked to buy: a plan, an add-on, or the current plan on another billing term. */
export interface OfferRequest {
  kind: 'plan' | 'addon'
  id: string
  term: Term
}

/** A purchasable offer with what it changes in monthly recurring revenue. */
export interface Offer extends OfferRequest {
  name: string
  /** What the customer pays per month on this offer. */
  monthly: number
  /** Change in the account's monthly recurring revenue (annual prices count as a twelfth a month). */
  mrrDelta: number
}

const money = (value: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(value)
const round = (value: number) => Math.round(value * 100) / 100
const monthlyOf = (price: Price, term: Term): number | undefined =>
  term === 'annual' ? (price.annual === undefined ? undefined : price.annual / 12) : price.monthly

/**
 * Reads the checkout request from the CTA URLs of `examples/rules/acme-crm.yaml`:
 * `/billing/upgrade?plan=pro`, `/billing/addons/analytics`, `/billing/cycle?interval=annual`, and the form post.
 */
export function offerRequest(url: URL, account: DemoAccount, form?: URLSearchParams): OfferRequest | { error: string } {
  if (form) {
    const kind = form.get('kind')
    const term = form.get('term')
    if ((kind !== 'plan' && kind !== 'addon') || (term !== 'monthly' && term !== 'annual') || !form.get('id')) {
      return { error: 'the checkout form needs kind (plan or addon), id and term (monthly or annual)' }
    }
    return { kind, id: form.get('id')!, term }
  }
  const addon = /^\/billing\/addons\/([\w-]+)$/.exec(url.pathname)?.[1]
  if (addon) return { kind: 'addon', id: addon, term: account.billingCycle }
  if (url.pathname === '/billing/cycle') {
    const interval = url.searchParams.get('interval')
    if (interval !== 'annual' && interval !== 'monthly') return { error: "interval must be 'annual' or 'monthly'" }
    return { kind: 'plan', id: account.plan, term: interval }
  }
  const plan = url.searchParams.get('plan')
  if (!plan) return { error: 'no plan was given (expected ?plan=<plan id>)' }
  return { kind: 'plan', id: plan, term: account.billingCycle }
}

/** Prices the request against the rules' plans and add-ons; an error message when it makes no sense. */
export function priceOffer(rules: CompiledRules, account: DemoAccount, request: OfferRequest): Offer | { error: string } {
  const current = rules.plans.find((plan) => plan.id === account.plan)
  const currentMonthly = (current && monthlyOf(current.price, account.billingCycle)) ?? 0
  if (request.kind === 'plan') {
    const plan = rules.plans.find((candidate) => candidate.id === request.id)
    if (!plan) return { error: `unknown plan '${request.id}' (plans: ${rules.plans.map((p) => p.id).join(', ')})` }
    const monthly = monthlyOf(plan.price, request.term)
    if (monthly === undefined) return { error: `${plan.name} has no ${request.term} price` }
    if (plan.id === account.plan && request.term === account.billingCycle) return { error: `the account is already on ${plan.name}, billed ${request.term}` }
    return { ...request, name: plan.name, monthly: round(monthly), mrrDelta: round(monthly - currentMonthly) }
  }
  const addon = rules.addons.find((candidate) => candidate.id === request.id)
  if (!addon) return { error: `unknown add-on '${request.id}' (add-ons: ${rules.addons.map((a) => a.id).join(', ') || 'none'})` }
  const monthly = monthlyOf(addon.price, request.term) ?? addon.price.monthly
  if (monthly === undefined) return { error: `${addon.name} has no price` }
  if (account.addons.includes(addon.id)) return { error: `the account already has ${addon.name}` }
  return { ...request, name: addon.name, monthly: round(monthly), mrrDelta: round(monthly) }
}

export function checkoutPage(offer: Offer | { error: string }, account: DemoAccount): string {
  if ('error' in offer) {
    return documentHtml(
      'Checkout · Acme CRM',
      `<main class="narrow"><h1>Checkout</h1><p class="error" role="alert">Cannot check out: ${escapeHtml(offer.error)}.</p>
<p><a href="/">Back to Acme CRM</a></p></main>`,
    )
  }
  const heading = offer.kind === 'addon' ? `Add ${offer.name}` : offer.id === account.plan ? `Switch ${offer.name} to ${offer.term} billing` : `Upgrade to ${offer.name}`
  const per = offer.term === 'annual' ? 'month, billed yearly' : 'month'
  const delta = `${offer.mrrDelta < 0 ? '−' : '+'}${money(Math.abs(offer.mrrDelta))}`
  return documentHtml(
    'Checkout · Acme CRM',
    `<main class="narrow checkout">
<p class="muted">Acme CRM · fake checkout (no card is charged)</p>
<h1>${escapeHtml(heading)}</h1>
<dl class="facts"><dt>Account</dt><dd><code>${escapeHtml(account.accountId)}</code></dd>
<dt>Price</dt><dd>${money(offer.monthly)} / ${per}</dd>
<dt>Change in MRR</dt><dd>${delta}</dd></dl>
<form method="post" action="/billing/checkout" class="card form">
<input type="hidden" name="kind" value="${offer.kind}">
<input type="hidden" name="id" value="${escapeHtml(offer.id)}">
<input type="hidden" name="term" value="${offer.term}">
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" readonly>
<button type="submit" class="btn">Pay and upgrade</button>
</form>
<p><a href="/">Cancel</a></p>
</main>`,
  )
}

/** The plans page some prompts link to: every plan with its price and a checkout link. */
export function plansPage(rules: CompiledRules, account: DemoAccount): string {
  const items = rules.plans
    .map((plan) => {
      const price = plan.price.monthly === undefined ? '' : `${money(plan.price.monthly)} / month`
      const action = plan.id === account.plan ? '<span class="badge">Current plan</span>' : `<a class="btn" href="/billing/upgrade?plan=${encodeURIComponent(plan.id)}">Choose ${escapeHtml(plan.name)}</a>`
      return `<li><strong>${escapeHtml(plan.name)}</strong> <span class="muted">${price}</span> ${action}</li>`
    })
    .join('\n')
  return documentHtml('Plans · Acme CRM', `<main class="narrow"><h1>Plans</h1><ul class="list">${items}</ul><p><a href="/">Back to Acme CRM</a></p></main>`)
}

/** The conversion as nudgekit answered it: which trigger and variant got the credit, if any. */
export type ConversionAnswer = Record<string, unknown>

/**
 * The demo's billing backend: reports the conversion server-to-server (`POST /v1/conversions` with the
 * secret key, which never reaches the browser), then switches the account's plan, add-ons or term.
 */
export async function completeCheckout(
  offer: Offer,
  state: DemoState,
  report: (body: unknown) => Promise<{ status: number; body: ConversionAnswer }>,
): Promise<{ account: DemoAccount } | { error: string }> {
  const account = state.get()
  const answer = await report({ id: randomUUID(), account: account.accountId, to: offer.id, mrr_delta: offer.mrrDelta, ts: Date.now() })
  if (answer.status >= 300) return { error: `nudgekit refused the conversion (HTTP ${answer.status}): ${JSON.stringify(answer.body)}` }
  const change = offer.kind === 'plan' ? { plan: offer.id, billingCycle: offer.term } : { addon: offer.id }
  return { account: state.upgrade(change, { to: offer.id, mrrDelta: offer.mrrDelta, attribution: answer.body }) }
}

export function receiptPage(account: DemoAccount): string {
  const upgrade = account.lastUpgrade
  const addons = account.addons.length ? ` + ${account.addons.join(', ')}` : ''
  return documentHtml(
    'Upgraded · Acme CRM',
    `<main class="narrow checkout">
<h1>You're on ${escapeHtml(account.plan + addons)}, billed ${account.billingCycle}</h1>
<p>Thanks! The demo backend reported the conversion to nudgekit with the secret key.</p>
<p class="card" data-testid="attribution">${escapeHtml(upgrade ? describeCredit(upgrade.attribution) : 'No upgrade yet.')}</p>
<pre class="code" aria-label="nudgekit's answer">${escapeHtml(JSON.stringify(upgrade?.attribution ?? null, null, 2))}</pre>
<p><a class="btn" href="/">Back to Acme CRM</a></p>
</main>`,
  )
}

function describeCredit(answer: unknown): string {
  const credit = ((answer ?? {}) as { credited?: { trigger?: unknown; variant?: unknown } | null }).credited
  return credit && typeof credit.trigger === 'string'
    ? `nudgekit credited trigger ${credit.trigger}${typeof credit.variant === 'string' ? ` (variant ${credit.variant})` : ''}.`
    : 'nudgekit found no prompt exposure within the attribution window, so no trigger got the credit.'
}
