// The browser side of the demo's own JSON API (the host app's backend, not nudgekit's).
import type { DemoAccount, DemoPatch } from '../server/demo-state.ts'

export type { DemoAccount, DemoRole } from '../server/demo-state.ts'

/** What `GET /api/state` answers: the account plus how to reach nudgekit (publishable key only). */
export interface DemoState {
  account: DemoAccount
  nudgekit: { endpoint: string; publishableKey: string; dashboard: string }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const payload = (await response.json()) as T & { error?: string }
  if (!response.ok) throw new Error(`[acme] Failed to ${method} ${path}: ${payload.error ?? response.status}.`)
  return payload
}

export const loadState = (): Promise<DemoState> => call('GET', '/api/state')

export const saveAccount = (patch: DemoPatch) => call<DemoState>('PATCH', '/api/state', patch)

export const resetDemo = (): Promise<DemoState> => call('POST', '/api/reset')

/** The user who is signed in for a role: Alice owns the account, Bob is a member who cannot buy. */
export const userFor = (account: DemoAccount) => ({
  id: `${account.accountId}-${account.role === 'admin' ? 'alice' : 'bob'}`,
  role: account.role,
})

export const userName = (account: DemoAccount): string => (account.role === 'admin' ? 'Alice' : 'Bob')
