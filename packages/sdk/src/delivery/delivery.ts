// Event delivery: a persisted queue shared by the tabs of one key, sent in batches by one tab at a time,
// retried with jittered backoff, and handed to the browser when the page goes away.
import type { Store } from '../storage.ts'
import type { NudgeEvent, Timers } from '../types.ts'

export interface Delivery {
  /** Queues an event (at most 1,000 wait; the oldest goes); a full batch (50) goes out at once, a partial one within a second. */
  enqueue(event: NudgeEvent): void
  /** Sends everything queued (resumes a sender paused after too many failed attempts, as do `online` and the page becoming visible). */
  flush(): Promise<void>
  /** Hands what is queued to the browser for a page that is going away, and writes pending state. */
  unload(): void
  /** Aborts requests on the wire, stops timers and listeners; the queue stays for the next page. */
  stop(): void
}

export interface DeliveryOptions {
  /** The server's base URL, without a trailing slash. */
  endpoint: string
  key: string
  fetch: typeof fetch
  store: Store
  timers: Timers
  now: () => number
  random: () => number
  log: (message: string, data?: unknown) => void
}


/** An event the server refused in an accepted batch (`index` into the batch). */
interface Rejection {
  index: number
  error: unknown
}

/**
 * The stored queue; short names because it is serialised on every change.
 * `q`: events, oldest first, each with `u` while on the wire: until then (a dead page's batch goes out again
 * after it); `d`: events dropped (queue full, or refused by the server) and not yet reported; `r`: no tab
 * sends before this time (backoff, Retry-After).
 */
interface QueueState {
  q: Array<{ e: NudgeEvent; u?: number }>
  d: number
  r: number
}

/** The prefix of the name under which `store` keeps a key's queue: `q1:<key>`. */
export const QUEUE = 'q1:'

const BATCH_SIZE = 50
const INTERVAL_MS = 1000
const TIMEOUT_MS = 10_000
/** How long a batch on the wire stays marked; longer than the request timeout. */
const INFLIGHT_MS = 15_000
/** Attempts per batch before the sender pauses until the next flush, `online`, visible page or page load. */
const MAX_ATTEMPTS = 10

/**
 * The sender of one key's events to `POST <endpoint>/v1/events`. The queue lives in `store` under `q1:<key>` and
 * every step reads it afresh, so the tabs over one storage share it; in-flight marks keep two senders off the same
 * events, and a Web Lock lets one tab send at a time.
 * @example
 * const delivery = createDelivery({ endpoint, key, fetch, store, timers, now: Date.now, random: Math.random, log })
 * delivery.enqueue(event)
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { endpoint, key, fetch: post, store, timers, now, log } = options
  const url = endpoint + '/v1/events'
  const name = QUEUE + key
  const controllers = new Set<AbortController>()
  let timer: unknown
  let attempt = 0
  let paused = false
  let stopped = false
  let running: Promise<void> | undefined

  const state = (): QueueState => {
    const stored = store.get<QueueState>(name)
    return stored?.q ? stored : { q: [], d: 0, r: 0 }
  }
  /** Changes the stored state (read afresh, as another tab may have changed it) and writes it back. */
  const update = (change: (s: QueueState) => void): void => {
    const s = state()
    change(s)
    store.set(name, s)
  }
  const waiting = (entry: { u?: number }): boolean => !(entry.u! > now())

  /**
   * Runs the sender in `ms` unless a run is due already. A later run than asked for only sends later than the
   * backoff requires; a full batch does not wait for it (`enqueue` runs at once).
   */
  const schedule = (ms: number): void => {
    if (!stopped) timer ??= timers.setTimeout(() => {
      timer = undefined
      void run()
    }, ms)
  }

  /**
   * One POST of `body`: resolves `[retry, reason, rejected]`. `rejected` (the events the server refused) when
   * accepted; `retry`, the least wait in ms (Retry-After), when worth repeating; neither when refused for good.
   * An `unload` request goes without a preflight (text/plain, key in the body) and with keepalive, so it may
   * outlive the page; where fetch has no keepalive it goes as a beacon, which never tells how it went.
   */
  const request = async (body: string, unload?: boolean): Promise<[retry?: number, reason?: string, rejected?: Rejection[]]> => {
    if (unload && !('keepalive' in Request.prototype)) return globalThis.navigator?.sendBeacon?.(url, body) ? [] : [0, 'beacon refused']
    const controller = new AbortController()
    // A keepalive request is meant to outlive the page, so `stop()` leaves it alone.
    if (!unload) controllers.add(controller)
    const timeout = timers.setTimeout(() => controller.abort(), TIMEOUT_MS)
    try {
      const response = await post(url, {
        method: 'POST',
        body,
        keepalive: unload,
        signal: controller.signal,
        headers: unload ? { 'content-type': 'text/plain' } : { 'content-type': 'application/json', authorization: 'Bearer ' + key },
      })
      const { status } = response
      const reason = 'HTTP ' + status
      if (response.ok) return [, reason, ((await response.json().catch(() => 0)) as { rejected?: Rejection[] })?.rejected ?? []]
      // Timeouts, rate limits and server errors pass; other client errors would fail the same way again.
      if (status !== 408 && status !== 429 && status < 500) return [, reason]
      // Delta seconds or an HTTP date; anything unreadable counts as 0.
      const after = response.headers.get('retry-after') ?? ''
      return [Number(after) * 1000 || Date.parse(after) - now() || 0, reason]
    } catch (error) {
      return [0, String((error as Error)?.name ?? error)]
    } finally {
      timers.clearTimeout(timeout)
      controllers.delete(controller)
    }
  }

  /**
   * Sends one batch of waiting events, marked in flight and stored before it goes out, and applies the answer.
   * An `unload` batch stays under the browser's 64 KB keepalive budget. Resolves `true` when more may go at once.
   */
  const send = async (unload?: boolean): Promise<boolean> => {
    const s = state()
    const batch: NudgeEvent[] = []
    let size = 0
    for (const entry of s.q) {
      if (waiting(entry) && batch.length < (unload ? 500 : BATCH_SIZE) && (!unload || (size += JSON.stringify(entry.e).length + 1) < 60_000)) {
        batch.push(entry.e)
        entry.u = now() + INFLIGHT_MS
      }
    }
    if (!batch.length) return false
    store.set(name, s)
    store.flush()
    const ids = batch.map((e) => e.id)
    const { d } = s
    const [retry, reason, rejected] = await request(JSON.stringify({ key: unload ? key : undefined, events: batch, dropped: d }), unload)
    // A beacon's events stay marked: should it be lost, they go out again when the mark runs out.
    if (!reason) return false
    update((s) => {
      if (retry === undefined) {
        s.q = s.q.filter((entry) => !ids.includes(entry.e.id))
        // The drops reported are done with; a refused batch becomes drops to report.
        s.d = Math.max(0, s.d - d + (rejected ? 0 : ids.length))
      } else for (const entry of s.q) if (ids.includes(entry.e.id)) entry.u = undefined
    })
    if (retry === undefined) {
      if (rejected) for (const { index, error } of rejected) log(`server rejected event ${batch[index]?.id}`, error)
      else log(`dropped ${ids.length} event(s) (${reason})`)
      attempt = 0
      return true
    }
    if (stopped) return false
    if (++attempt >= MAX_ATTEMPTS) {
      paused = true
      attempt = 0
      log(`paused after ${MAX_ATTEMPTS} attempts (${reason})`)
      return false
    }
    // 1 s doubling up to 60 s, jittered to 50–100 %, and never before the server's Retry-After.
    const wait = Math.max(retry, Math.min(60_000, 1000 * 2 ** (attempt - 1)) * (0.5 + options.random() / 2))
    update((s) => void (s.r = now() + wait))
    log(`retry ${attempt} in ${Math.round(wait)} ms (${reason})`)
    return false
  }

  /** Sends batch after batch while there is more, holding the tab lock (a Web Lock, released when a page dies). */
  const run = (): Promise<void> =>
    (running ??= (async () => {
      const locks = globalThis.navigator?.locks
      // Without Web Locks (tests, server rendering) the in-flight marks still keep two senders off the same events.
      const locked = () => (locks ? locks.request('nudgekit:flush:' + key, { ifAvailable: true }, (lock) => !!lock && send()) : send())
      while (!stopped && !paused && state().r <= now() && (await locked()));
    })().finally(() => {
      running = undefined
      const { q, r } = state()
      if (!paused && q.length) schedule(r > now() ? r - now() : INTERVAL_MS)
    }))

  const unload = (): void => {
    if (state().r <= now()) void send(true)
    store.flush()
  }
  const resume = (): Promise<void> => {
    paused = false
    return run()
  }
  const win = globalThis.window
  const onVisibility = (): void => void (win.document.visibilityState === 'hidden' ? unload() : resume())
  /** Adds (`'add'`) or removes (`'remove'`) the page listeners. */
  const listen = (how: 'add' | 'remove'): void => {
    win?.[`${how}EventListener`]('pagehide', unload)
    win?.[`${how}EventListener`]('online', resume)
    win?.document[`${how}EventListener`]('visibilitychange', onVisibility)
  }
  listen('add')
  if (state().q.length) schedule(0)

  return {
    enqueue(event) {
      update((s) => {
        // Only the latest value of a metric matters; one already on the wire stays.
        if (event.type === 'usage') s.q = s.q.filter((entry) => !(entry.e.type === 'usage' && entry.e.metric === event.metric && entry.e.account === event.account && waiting(entry)))
        if (s.q.push({ e: event }) > 1000) s.q.shift(), s.d++, log('dropped 1 event (queue full)')
      })
      if (state().q.length < BATCH_SIZE) schedule(INTERVAL_MS)
      else void run()
    },
    flush: resume,
    unload,
    stop() {
      stopped = true
      timers.clearTimeout(timer)
      for (const controller of controllers) controller.abort()
      listen('remove')
    },
  }
}
