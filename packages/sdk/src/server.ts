// What the client reads from the server: the compiled rules (revalidated with the ETag and cached, so the
// next page load evaluates at once) and the account's exposure state, so caps hold across users and devices.
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { DeliveryOptions } from './delivery/delivery.ts'
import type { SharedTriggerState } from './frequency.ts'
import type { Store } from './storage.ts'

/** The body of `GET /v1/state`: trigger id → account-level exposure state. */
export interface ServerState {
  account: string
  triggers: Record<string, Partial<SharedTriggerState>>
}

/** Where and how to read: the same settings delivery sends with. */
type Reader = Pick<DeliveryOptions, 'endpoint' | 'key' | 'fetch' | 'store'>

/** The cached rules with their ETag, under `rules:<key>`. */
type CachedRules = { etag: string | null; rules: unknown } | undefined

/**
 * A light shape check: the browser does not ship the schema validator, the server compiled the rules. Rules
 * of another payload version (cached by an older SDK, or served by an older server) are not these rules.
 */
export function isCompiledRules(value: unknown): value is CompiledRules {
  const rules = value as CompiledRules | undefined
  return rules?.version === (2 satisfies CompiledRules['version']) && Array.isArray(rules.triggers) && Array.isArray(rules.plans) && !!rules.metrics
}

/**
 * `GET <endpoint><path>` with the key: the parsed body and the response, or `undefined` for a 304 to `etag`;
 * throws for other failures and for a body that is not `valid`.
 */
async function get<T>({ endpoint, key, fetch }: Reader, path: string, valid: (body: T) => boolean, etag?: string | null) {
  const headers: Record<string, string> = { authorization: 'Bearer ' + key }
  if (etag) headers['if-none-match'] = etag
  const response = await fetch(endpoint + path, { headers })
  if (response.status === 304 && etag) return undefined
  const body = response.ok && ((await response.json()) as T)
  if (!body || !valid(body)) throw new Error(`GET ${path} answered HTTP ${response.status}${body ? ' with an unexpected body' : ''}`)
  return [body, response] as const
}

/**
 * The rules cached by an earlier page under `rules:<key>`, if they are rules this SDK evaluates.
 * @example const rules = cachedRules(store, 'pk_live_1')
 */
export function cachedRules(store: Store, key: string): CompiledRules | undefined {
  const rules = store.get<CachedRules>('rules:' + key)?.rules
  return isCompiledRules(rules) ? rules : undefined
}

/**
 * Fetches the rules and caches them with their ETag under `rules:<key>`; resolves `undefined` when the cached
 * ones are current (304).
 * @example fetchRules({ endpoint, key, fetch, store }).then((rules) => rules && use(rules))
 */
export async function fetchRules(reader: Reader): Promise<CompiledRules | undefined> {
  const name = 'rules:' + reader.key
  const answer = await get<CompiledRules>(reader, '/v1/rules', isCompiledRules, reader.store.get<CachedRules>(name)?.etag)
  if (answer) reader.store.set(name, { etag: answer[1].headers.get('etag'), rules: answer[0] })
  return answer?.[0]
}

/**
 * The account-level exposure state per trigger.
 * @example fetchState({ endpoint, key, fetch, store }, 'acct_1').then((triggers) => frequency.merge(triggers))
 */
export async function fetchState(reader: Reader, account: string): Promise<ServerState['triggers']> {
  const [body] = (await get<Partial<ServerState>>(reader, '/v1/state?account=' + encodeURIComponent(account), (body) => typeof body.triggers === 'object'))!
  return body.triggers ?? {}
}
