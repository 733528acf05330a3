// HTTP for events: a batch POST with a timeout, and the unload path (keepalive fetch or sendBeacon) under 64 KB.
import type { NudgeEvent, Timers } from '../types.ts'
import { isRetryable, retryAfterMs } from './retryer.ts'

export interface Rejection {
  index: number
  error: unknown
}

/** What became of one POST. */
export type Outcome =
  | { kind: 'ok'; rejected: Rejection[] }
  | { kind: 'retry'; afterMs: number; reason: string }
  | { kind: 'drop'; reason: string }

export interface Transport {
  post(events: NudgeEvent[], dropped: number): Promise<Outcome>
  /**
   * Sends during unload, without a preflight (`text/plain`, key in the body). Returns the ids handed to the
   * browser and, when the page lives on, a promise of the answer.
   */
  unload(events: NudgeEvent[], dropped: number): { ids: string[]; done?: Promise<Outcome> }
  /** Aborts requests on the wire (the page is going away). */
  abort(): void
}

export interface TransportOptions {
  endpoint: string
  key: string
  fetch: typeof fetch
  timers: Timers
  now: () => number
  timeoutMs?: number
}

const BEACON_LIMIT = 60_000

/**
 * The events transport of one endpoint and key.
 * @example const transport = createTransport({ endpoint, key, fetch, timers, now: Date.now })
 */
export function createTransport(options: TransportOptions): Transport {
  const { endpoint, key, timers, now } = options
  const url = endpoint.replace(/\/+$/, '') + '/v1/events'
  const controllers = new Set<AbortController>()

  const answer = async (request: Promise<Response>): Promise<Outcome> => {
    try {
      const response = await request
      if (response.ok) {
        const body = (await response.json().catch(() => ({}))) as { rejected?: Rejection[] }
        return { kind: 'ok', rejected: Array.isArray(body.rejected) ? body.rejected : [] }
      }
      const reason = `HTTP ${response.status}`
      return isRetryable(response.status)
        ? { kind: 'retry', afterMs: retryAfterMs(response.headers.get('retry-after'), now()), reason }
        : { kind: 'drop', reason }
    } catch (error) {
      return { kind: 'retry', afterMs: 0, reason: String((error as Error)?.name ?? error) }
    }
  }

  const send = (body: string, init: RequestInit): Promise<Outcome> => {
    const controller = new AbortController()
    // A keepalive request is meant to outlive the page, so `abort()` leaves it alone.
    if (!init.keepalive) controllers.add(controller)
    const timer = timers.setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000)
    const request = Promise.resolve().then(() =>
      options.fetch(url, { method: 'POST', body, signal: controller.signal, ...init }),
    )
    return answer(request).finally(() => {
      timers.clearTimeout(timer)
      controllers.delete(controller)
    })
  }

  return {
    post(events, dropped) {
      const headers = { authorization: 'Bearer ' + key, 'content-type': 'application/json' }
      return send(JSON.stringify(dropped ? { events, dropped } : { events }), { headers })
    },
    unload(events, dropped) {
      const batch: NudgeEvent[] = []
      let body = ''
      for (const event of events) {
        const next = JSON.stringify({ key, events: [...batch, event], dropped })
        if (next.length > BEACON_LIMIT) break
        batch.push(event)
        body = next
      }
      if (!batch.length) return { ids: [] }
      const ids = batch.map((e) => e.id)
      // A keepalive fetch tells us the answer when the page lives on (hidden, not closed); old browsers beacon.
      if ('keepalive' in (globalThis.Request?.prototype ?? {})) {
        return { ids, done: send(body, { keepalive: true, headers: { 'content-type': 'text/plain' } }) }
      }
      const sent = globalThis.navigator?.sendBeacon?.(url, new Blob([body], { type: 'text/plain' }))
      return { ids: sent ? ids : [] }
    },
    abort() {
      for (const controller of controllers) controller.abort()
    },
  }
}
