// The account's exposure state from `GET /v1/state?account=ID`, so caps hold across users and devices.
import type { SharedTriggerState } from './frequency.ts'

/** The body of `GET /v1/state`: trigger id → account-level exposure state. */
export interface ServerState {
  account: string
  triggers: Record<string, Partial<SharedTriggerState>>
}

/**
 * Fetches the account-level state per trigger.
 * @example const { triggers } = await fetchServerState(endpoint, key, fetch, 'acct_1')
 */
export async function fetchServerState(endpoint: string, key: string, fetcher: typeof fetch, account: string): Promise<ServerState> {
  const response = await fetcher(`${endpoint}/v1/state?account=${encodeURIComponent(account)}`, {
    headers: { authorization: 'Bearer ' + key },
  })
  if (!response.ok) throw new Error(`GET /v1/state answered HTTP ${response.status}`)
  const body = (await response.json()) as Partial<ServerState>
  return { account, triggers: body.triggers && typeof body.triggers === 'object' ? body.triggers : {} }
}
