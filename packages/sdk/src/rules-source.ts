// Compiled rules from `GET /v1/rules`: revalidated with the ETag, and cached so the next page load
// evaluates at once, before the network answers.
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { Store } from './storage.ts'

export interface RulesSource {
  /** The rules cached by an earlier page, if any. */
  cached(): CompiledRules | undefined
  /** Fetches the rules; resolves `undefined` when the cached ones are current (304). */
  load(): Promise<CompiledRules | undefined>
}

interface Cached {
  etag: string | null
  rules: CompiledRules
}

/** A light shape check: the browser does not ship the schema validator, the server compiled the rules. */
export function isCompiledRules(value: unknown): value is CompiledRules {
  const rules = value as CompiledRules | undefined
  return rules?.version === 1 && Array.isArray(rules.triggers) && Array.isArray(rules.plans) && !!rules.metrics
}

/**
 * Rules of one endpoint and key, cached under `rules:<key>`.
 * @example const source = createRulesSource(endpoint, key, fetch, store); source.cached()
 */
export function createRulesSource(endpoint: string, key: string, fetcher: typeof fetch, store: Store): RulesSource {
  const name = 'rules:' + key
  const cached = () => {
    const entry = store.get<Cached>(name)
    return isCompiledRules(entry?.rules) ? entry : undefined
  }
  return {
    cached: () => cached()?.rules,
    async load() {
      const etag = cached()?.etag
      const headers: Record<string, string> = { authorization: 'Bearer ' + key }
      if (etag) headers['if-none-match'] = etag
      const response = await fetcher(endpoint + '/v1/rules', { headers })
      if (response.status === 304 && etag) return undefined
      if (!response.ok) throw new Error(`GET /v1/rules answered HTTP ${response.status}`)
      const rules: unknown = await response.json()
      if (!isCompiledRules(rules)) throw new Error('GET /v1/rules answered something that is not compiled rules')
      store.set(name, { etag: response.headers.get('etag'), rules })
      return rules
    },
  }
}
