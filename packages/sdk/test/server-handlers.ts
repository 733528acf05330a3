// msw handlers that behave like the nudgekit server's HTTP API: keys, rules with ETag/304, account state,
// events deduped by id with partial rejects, and optional chaos (5xx, timeouts, 429 with Retry-After).
import { delay, http, HttpResponse } from 'msw'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { NudgeEvent } from '../src/types.ts'
import type { ServerState } from '../src/server.ts'

export const ENDPOINT = 'https://app.example.test/nudgekit'
export const KEY = 'pk_test_1'

const TYPES = new Set(['impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible', 'gate_hit', 'usage', 'track'])

export interface Chaos {
  /** Share of event POSTs answered 503. */
  serverError: number
  /** Share of event POSTs that never answer (half after committing the events, as when a response is lost). */
  timeout: number
  /** Share of event POSTs answered 429 with `Retry-After`. */
  rateLimit: number
  retryAfter: string
  random: () => number
  /** How often each fault was served. */
  served: { serverError: number; timeout: number; rateLimit: number }
}

export interface FakeServer {
  handlers: ReturnType<typeof http.get>[]
  /** Publishable keys it takes (`KEY` to start with); add one to roll keys, delete one to remove it. */
  keys: Set<string>
  rules: CompiledRules | undefined
  /** Account id → trigger id → account-level exposure state. */
  state: Record<string, ServerState['triggers']>
  /** Every distinct event, in arrival order. */
  events: NudgeEvent[]
  /** Events received again after they were already stored (counted once). */
  duplicates: number
  /** Events received in total, duplicates included. */
  received: number
  /** `GET /v1/rules` answered 304 Not Modified. */
  notModified: number
  /** Sum of the `dropped` counts clients reported. */
  droppedReported: number
  requests: Array<{ method: string; path: string; contentType: string | null; authorization: string | null; count?: number }>
  /** Events whose `type` matches are rejected in the 202 answer, as an invalid event would be. */
  reject?: (event: NudgeEvent) => string | undefined
  chaos?: Chaos
  /** Answer the next event POSTs with these statuses instead (e.g. 400, or 429 with a `Retry-After`). */
  failWith: Array<number | { status: number; retryAfter: () => string }>
  /** Real milliseconds an event POST takes, so overlapping requests can be seen. */
  latencyMs: number
  /** Events that arrived while a request carrying the same id was still being handled. */
  concurrent: number
  /** Most event POSTs handled at the same time. */
  maxParallel: number
}

const unauthorized = () => HttpResponse.json({ error: { code: 'unauthorized', message: 'unknown key' } }, { status: 401 })

/**
 * A fake server for one endpoint and publishable key.
 * @example const server = createFakeServer(rules); mswServer.use(...server.handlers)
 */
export function createFakeServer(rules?: CompiledRules): FakeServer {
  const server: FakeServer = {
    handlers: [],
    keys: new Set([KEY]),
    rules,
    state: {},
    events: [],
    duplicates: 0,
    received: 0,
    droppedReported: 0,
    notModified: 0,
    requests: [],
    failWith: [],
    latencyMs: 0,
    concurrent: 0,
    maxParallel: 0,
  }
  let parallel = 0
  const seen = new Set<string>()
  const handling = new Set<string>()
  const log = (request: Request, count?: number) =>
    server.requests.push({
      method: request.method,
      path: new URL(request.url).pathname.replace('/nudgekit', ''),
      contentType: request.headers.get('content-type'),
      authorization: request.headers.get('authorization'),
      count,
    })
  const commit = (events: NudgeEvent[], dropped: unknown) => {
    let accepted = 0
    let duplicates = 0
    const rejected: Array<{ index: number; error: string }> = []
    events.forEach((event, index) => {
      const error =
        typeof event?.id !== 'string' || !TYPES.has(event.type) || typeof event.ts !== 'number' ? 'invalid event' : server.reject?.(event)
      if (error) return void rejected.push({ index, error })
      server.received++
      if (seen.has(event.id)) {
        duplicates++
        server.duplicates++
        return
      }
      seen.add(event.id)
      server.events.push(event)
      accepted++
    })
    if (typeof dropped === 'number') server.droppedReported += dropped
    return { accepted, duplicates, rejected }
  }

  server.handlers = [
    http.get(`${ENDPOINT}/v1/rules`, ({ request }) => {
      log(request)
      if (!server.keys.has(request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '')) return unauthorized()
      if (!server.rules) return HttpResponse.json({ error: { code: 'no_rules' } }, { status: 503, headers: { 'retry-after': '5' } })
      const etag = `"${server.rules.hash}"`
      if (request.headers.get('if-none-match') === etag) {
        server.notModified++
        return new HttpResponse(null, { status: 304, headers: { etag } })
      }
      return HttpResponse.json(server.rules, { headers: { etag } })
    }),
    http.get(`${ENDPOINT}/v1/state`, ({ request }) => {
      log(request)
      if (!server.keys.has(request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '')) return unauthorized()
      const account = new URL(request.url).searchParams.get('account') ?? ''
      return HttpResponse.json({ account, triggers: server.state[account] ?? {} })
    }),
    http.post(`${ENDPOINT}/v1/events`, async ({ request }) => {
      const body = (await request.json()) as { key?: string; events?: NudgeEvent[]; dropped?: number }
      log(request, body.events?.length)
      const key = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? body.key
      if (!server.keys.has(key ?? '')) return unauthorized()
      if (!Array.isArray(body.events) || body.events.length > 500) {
        return HttpResponse.json({ error: { code: 'invalid_body', message: 'events must be an array of at most 500' } }, { status: 400 })
      }
      const ids = body.events.map((e) => e?.id)
      for (const id of ids) if (handling.has(id)) server.concurrent++
      for (const id of ids) handling.add(id)
      server.maxParallel = Math.max(server.maxParallel, ++parallel)
      if (server.latencyMs) await delay(server.latencyMs)
      parallel--
      for (const id of ids) handling.delete(id)
      const failure = server.failWith.shift()
      if (typeof failure === 'number') return HttpResponse.json({ error: { code: 'forced' } }, { status: failure })
      if (failure) {
        const headers = { 'retry-after': failure.retryAfter() }
        return HttpResponse.json({ error: { code: 'forced' } }, { status: failure.status, headers })
      }
      const chaos = server.chaos
      if (chaos) {
        const roll = chaos.random()
        if (roll < chaos.serverError) {
          chaos.served.serverError++
          return HttpResponse.json({ error: { code: 'unavailable' } }, { status: 503 })
        }
        if (roll < chaos.serverError + chaos.timeout) {
          chaos.served.timeout++
          if (roll < chaos.serverError + chaos.timeout / 2) commit(body.events, body.dropped)
          await delay('infinite')
        }
        if (roll < chaos.serverError + chaos.timeout + chaos.rateLimit) {
          chaos.served.rateLimit++
          return HttpResponse.json({ error: { code: 'rate_limited' } }, { status: 429, headers: { 'retry-after': chaos.retryAfter } })
        }
      }
      return HttpResponse.json(commit(body.events, body.dropped), { status: 202 })
    }),
  ]
  return server
}
