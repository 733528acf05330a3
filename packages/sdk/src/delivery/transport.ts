// HTTP for events: a batch POST with a timeout, and the unload path (keepalive fetch or sendBeacon) under 64 KB.
import type { NudgeEvent, Timers } from '../types.ts'
import { isRetryable, retryAfterMs } from './retryer.ts'

export interface Rejection {
  index: number
  error: unknown
}

/**
 * What became of one POST: accepted (`rejected` lists the events the server refused), to be retried
 * (`retry`: the least wait the server asked for, in ms) or refused as a whole (only `reason`).
 */
export interface Outcome {
  rejected?: Rejection[]
  retry?: number
  reason?: string
}

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
  const { key, timers } = options
  const url = options.endpoint.replace(/\/+$/, '') + '/v1/events'
  const controllers = new Set<AbortController>()

  const send = async (body: string, type: string, keepalive?: boolean): Promise<Outcome> => {
    const controller = new AbortController()
    // A keepalive request is meant to outlive the page, so `abort()` leaves it alone.
    if (!keepalive) controllers.add(controller)
    const timer = timers.setTimeout(() => controller.abort(), options.timeoutMs ?? 10_000)
    try {
      await null
      const headers: Record<string, string> = { 'content-type': type }
      if (!keepalive) headers.authorization = 'Bearer ' + key
      const response = await options.fetch(url, { method: 'POST', body, headers, keepalive, signal: controller.signal })
      const { status } = response
      if (response.ok) {
        const { rejected } = (await response.json().catch(() => ({}))) as Outcome
        return { rejected: Array.isArray(rejected) ? rejected : [] }
      }
      const reason = 'HTTP ' + status
      return isRetryable(status) ? { retry: retryAfterMs(response.headers.get('retry-after'), options.now()), reason } : { reason }
    } catch (error) {
      return { retry: 0, reason: String((error as Error)?.name ?? error) }
    } finally {
      timers.clearTimeout(timer)
      controllers.delete(controller)
    }
  }

  return {
    post: (events, dropped) => send(JSON.stringify(dropped ? { events, dropped } : { events }), 'application/json'),
    unload(events, dropped) {
      const batch: NudgeEvent[] = []
      let size = 100
      for (const event of events) {
        size += JSON.stringify(event).length + 1
        if (size > BEACON_LIMIT) break
        batch.push(event)
      }
      const ids = batch.map((e) => e.id)
      const body = JSON.stringify({ key, events: batch, dropped })
      if (!ids.length) return { ids }
      // A keepalive fetch tells us the answer when the page lives on (hidden, not closed); old browsers beacon.
      if ('keepalive' in (globalThis.Request?.prototype ?? {})) return { ids, done: send(body, 'text/plain', true) }
      return { ids: globalThis.navigator?.sendBeacon?.(url, new Blob([body], { type: 'text/plain' })) ? ids : [] }
    },
    abort() {
      for (const controller of controllers) controller.abort()
    },
  }
}
