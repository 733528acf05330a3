// The demo account (Acme CRM's own data: plan, usage, role, dates), kept by the demo server in a JSON file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'

const DAY = 86_400_000

export type DemoRole = 'admin' | 'member'

/** What the host app knows about its customer; nudgekit is told about it through the SDK. */
export interface DemoAccount {
  accountId: string
  plan: string
  addons: string[]
  role: DemoRole
  /** How the subscription is billed; the renewal-annual trigger reads it as the `billing_cycle` trait. */
  billingCycle: 'monthly' | 'annual'
  contacts: number
  seats: number
  /** Epoch milliseconds. */
  createdAt: number
  renewsAt: number
  /** The last conversion the fake checkout reported, with the server's attribution answer. */
  lastUpgrade?: { to: string; mrrDelta: number; attribution: unknown }
}

/** Fields the browser may change; everything else belongs to the demo backend. */
export interface DemoPatch {
  role?: DemoRole
  contacts?: number
  seats?: number
  createdAt?: number
  renewsAt?: number
}

export interface DemoState {
  get(): DemoAccount
  /** Applies a validated patch from the browser; returns the new account or an error message. */
  patch(input: unknown): { account: DemoAccount } | { error: string }
  /** The fake checkout's backend moved the account to another plan or add-on. */
  upgrade(to: { plan?: string; addon?: string; billingCycle?: DemoAccount['billingCycle'] }, record: DemoAccount['lastUpgrade']): DemoAccount
  /** Starts over with a fresh account id (fresh nudgekit history). */
  reset(): DemoAccount
}

/** A new account: Free plan, a few contacts, created 30 days ago, renewing in 200 days. */
export function freshAccount(now = Date.now()): DemoAccount {
  return {
    accountId: `acme-${randomUUID().slice(0, 8)}`,
    plan: 'free',
    addons: [],
    role: 'admin',
    billingCycle: 'monthly',
    contacts: 12,
    seats: 1,
    createdAt: now - 30 * DAY,
    renewsAt: now + 200 * DAY,
  }
}

/**
 * The demo account, persisted to `file` so a restart keeps the same account as the nudgekit store.
 *
 * @example
 * const state = createDemoState('.nudgekit/demo-account.json')
 * state.patch({ contacts: 40 })
 */
export function createDemoState(file: string): DemoState {
  let account = load(file) ?? freshAccount()
  save(file, account)

  const commit = (next: DemoAccount): DemoAccount => {
    account = next
    save(file, account)
    return account
  }

  return {
    get: () => account,
    patch(input) {
      const result = validatePatch(input)
      if ('error' in result) return result
      return { account: commit({ ...account, ...result.patch }) }
    },
    upgrade(to, record) {
      const addons = to.addon && !account.addons.includes(to.addon) ? [...account.addons, to.addon] : account.addons
      const billingCycle = to.billingCycle ?? account.billingCycle
      return commit({ ...account, plan: to.plan ?? account.plan, addons, billingCycle, lastUpgrade: record })
    },
    reset: () => commit(freshAccount()),
  }
}

function validatePatch(input: unknown): { patch: DemoPatch } | { error: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { error: 'the body must be a JSON object' }
  const patch: DemoPatch = {}
  for (const [key, value] of Object.entries(input)) {
    if (key === 'role') {
      if (value !== 'admin' && value !== 'member') return { error: "role must be 'admin' or 'member'" }
      patch.role = value
    } else if (key === 'contacts' || key === 'seats') {
      if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 1_000_000) {
        return { error: `${key} must be a whole number between 0 and 1000000` }
      }
      patch[key] = value as number
    } else if (key === 'createdAt' || key === 'renewsAt') {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { error: `${key} must be epoch milliseconds` }
      patch[key] = value
    } else {
      return { error: `unknown field '${key}' (allowed: role, contacts, seats, createdAt, renewsAt)` }
    }
  }
  return { patch }
}

function load(file: string): DemoAccount | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoAccount>
    return typeof parsed.accountId === 'string' && typeof parsed.plan === 'string' ? { ...freshAccount(), ...parsed } : undefined
  } catch {
    // No file yet, or one a crash left unreadable: the demo starts with a fresh account.
    return undefined
  }
}

function save(file: string, account: DemoAccount): void {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, JSON.stringify(account, null, 2))
  renameSync(temporary, file)
}
