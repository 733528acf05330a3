// What every view of the demo app shares: the nudgekit client and the host's own account, kept in sync.
import { createNudge, type Nudge } from '@nudgekit/sdk'
import { saveAccount, userFor, type DemoAccount, type DemoState } from './api.ts'

export interface AppContext {
  nudge: Nudge
  account(): DemoAccount
  /** Changes the host's account on its backend and tells nudgekit what changed. */
  update(patch: Parameters<typeof saveAccount>[0]): Promise<void>
  /** Called after every change, so views can refresh what they show. */
  onChange(listener: (account: DemoAccount) => void): () => void
  readonly links: { dashboard: string }
}

/** The account as the SDK wants it: plan, add-ons, dates and the traits the rules read, from the host's records. */
export function nudgeAccount(account: DemoAccount) {
  return {
    id: account.accountId,
    plan: account.plan,
    addons: account.addons,
    createdAt: account.createdAt,
    renewsAt: account.renewsAt,
    traits: { billing_cycle: account.billingCycle, payment_method: 'card', seats_purchased: account.seats },
  }
}

/** The nudgekit client for the demo account's signed-in user, started the same way by both hosts. */
export function startNudge(state: DemoState, options: { debug?: boolean } = {}): Nudge {
  return createNudge({
    endpoint: state.nudgekit.endpoint,
    key: state.nudgekit.publishableKey,
    account: nudgeAccount(state.account),
    user: userFor(state.account),
    locale: 'en-US',
    debug: options.debug ?? false,
  })
}

/**
 * Wires the host app's state to nudgekit the way a customer would: usage with `setUsage`, the signed-in
 * user with `identify`, plan and dates with `setAccount`.
 */
export function createContext(nudge: Nudge, initial: DemoState): AppContext {
  let account = initial.account
  const listeners = new Set<(account: DemoAccount) => void>()

  nudge.setUsage('contacts', account.contacts)
  nudge.setUsage('seats', account.seats)

  return {
    nudge,
    account: () => account,
    links: { dashboard: initial.nudgekit.dashboard },
    async update(patch) {
      const before = account
      account = (await saveAccount(patch)).account
      if (account.contacts !== before.contacts) nudge.setUsage('contacts', account.contacts)
      if (account.seats !== before.seats) nudge.setUsage('seats', account.seats)
      if (account.role !== before.role) nudge.identify(userFor(account))
      const datesChanged = account.createdAt !== before.createdAt || account.renewsAt !== before.renewsAt
      if (datesChanged || account.seats !== before.seats) nudge.setAccount(nudgeAccount(account))
      for (const listener of listeners) listener(account)
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
