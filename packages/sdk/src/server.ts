// What the client reads from the server: the compiled rules (revalidated with the ETag and cached, so the
// next page load evaluates at once) and the account's exposure state, so caps hold across users and devices.
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { SharedTriggerState } from './frequency.ts'
import type { Store } from './storage.ts'

/** The body of `GET /v1/state`: trigger id → account-level exposure state. */
export interface ServerState {
  account: string
  triggers: Record<string, Partial<SharedTriggerState>>
}

export interface ServerReads {
  /** The rules cached by an earlier page, if any. */
  cachedRules(): CompiledRules | undefined
  /** Fetches the rules; resolves `undefined` when the cached ones are current (304). */
  rules(): Promise<CompiledRules | undefined>
  /** The account-level state per trigger. */
  state(account: string): Promise<ServerState['triggers']>
}

/**
 * A light shape check: the browser does not ship the schema validator, the server compiled the rules. Rules
 * of another payload version (cached by an older SDK, or served by an older server) are not these rules.
 */
export function isCompiledRules(value: unknown): value is CompiledRules {
  const rules = value as CompiledRules | undefined
  return rules?.version === (2 satisfies CompiledRules['version']) && Array.isArray(rules.triggers) && Array.isArray(rules.plans) && !!rules.metrics
}

/**
 * The reads of one endpoint and key; rules are cached under `rules:<key>`.
 * @example const server = createServerReads(endpoint, key, fetch, store); server.cachedRules()
 */
export function createServerReads(endpoint: string, key: string, fetcher: typeof fetch, store: Store): ServerReads {
  const name = 'rules:' + key
  const cached = () => store.get<{ etag: string | null; rules: unknown }>(name)
  /** The parsed body, or `undefined` for a 304; throws for other failures and for an unexpected body. */
  const get = async <T>(path: string, valid: (body: T) => boolean, headers: Record<string, string> = {}) => {
    headers.authorization = 'Bearer ' + key
    const response = await fetcher(endpoint + path, { headers })
    if (response.status === 304 && headers['if-none-match']) return undefined
    const body = response.ok && ((await response.json()) as T)
    if (!body || !valid(body)) throw new Error(`GET ${path} answered HTTP ${response.status}${body ? ' with an unexpected body' : ''}`)
    return { body, response }
  }
  return {
    cachedRules() {
      const rules = cached()?.rules
      return isCompiledRules(rules) ? rules : undefined
    },
    async rules() {
      const etag = cached()?.etag
      const answer = await get<CompiledRules>('/v1/rules', isCompiledRules, etag ? { 'if-none-match': etag } : {})
      if (answer) store.set(name, { etag: answer.response.headers.get('etag'), rules: answer.body })
      return answer?.body
    },
    async state(account) {
      const answer = await get<Partial<ServerState>>(`/v1/state?account=${encodeURIComponent(account)}`, (body) => typeof body.triggers === 'object')
      return answer!.body.triggers ?? {}
    },
  }
}
