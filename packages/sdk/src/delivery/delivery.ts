// Event delivery: batches from the persisted queue, one sending tab at a time, retries, unload, online and visible.
import type { Store } from '../storage.ts'
import type { NudgeEvent, Timers } from '../types.ts'
import { createQueue } from './queue.ts'
import { backoff, MAX_ATTEMPTS } from './retryer.ts'
import type { TabLock } from './tabs.ts'
import type { Outcome, Transport } from './transport.ts'

export interface Delivery {
  /** Queues an event; a full batch goes out at once, a partial one after `intervalMs`. */
  enqueue(event: NudgeEvent): void
  /** Sends everything queued (resumes a sender paused after too many failed attempts, as do `online` and the page becoming visible). */
  flush(): Promise<void>
  /** Hands what is queued to the browser for a page that is going away. */
  unload(): void
  /** Aborts requests on the wire, stops timers and listeners; the queue stays for the next page. */
  stop(): void
}

export interface DeliveryOptions {
  store: Store
  key: string
  transport: Transport
  lock: TabLock
  timers: Timers
  now: () => number
  random: () => number
  log: (message: string, data?: unknown) => void
  batchSize?: number
  intervalMs?: number
  /** How long a batch on the wire stays marked; longer than the request timeout. */
  inflightMs?: number
}

/**
 * Wires queue, transport, retry policy and tab lock into a sender.
 * @example const delivery = createDelivery({ store, key, transport, lock, timers, now, random, log })
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { transport, lock, timers, now, log } = options
  const batchSize = options.batchSize ?? 50
  const intervalMs = options.intervalMs ?? 1000
  const inflightMs = options.inflightMs ?? 15_000
  const queue = createQueue(options.store, options.key, now)
  let timer: unknown
  let timerAt = Infinity
  let attempt = 0
  let paused = false
  let stopped = false
  let flushing: Promise<void> | undefined

  const schedule = (ms: number): void => {
    if (stopped || now() + ms >= timerAt) return
    timers.clearTimeout(timer)
    timerAt = now() + ms
    timer = timers.setTimeout(() => {
      timerAt = Infinity
      void run()
    }, ms)
  }

  const settle = (ids: string[], dropped: number, outcome: Outcome, batch: NudgeEvent[]): void => {
    if (outcome.kind === 'retry') return queue.unmark(ids)
    queue.remove(ids)
    if (dropped) queue.countDropped(-dropped)
    if (outcome.kind === 'drop') {
      queue.countDropped(ids.length)
      log(`dropped ${ids.length} events: ${outcome.reason}`)
    }
    for (const { index, error } of outcome.kind === 'ok' ? outcome.rejected : []) {
      log(`server rejected event ${batch[index]?.id}`, error)
    }
  }

  /** Sends one batch; `true` when there may be more to send right away. */
  const sendBatch = async (): Promise<boolean> => {
    const batch = queue.take(batchSize)
    if (!batch.length) return false
    const ids = batch.map((e) => e.id)
    const dropped = queue.dropped()
    queue.mark(ids, now() + inflightMs)
    options.store.flush()
    const outcome = await transport.post(batch, dropped)
    settle(ids, dropped, outcome, batch)
    if (stopped) return false
    if (outcome.kind !== 'retry') return (attempt = 0), true
    if (++attempt >= MAX_ATTEMPTS) {
      paused = true
      attempt = 0
      log(`delivery paused after ${MAX_ATTEMPTS} failed attempts (${outcome.reason}); events stay queued`)
      return false
    }
    const wait = backoff(attempt - 1, options.random, outcome.afterMs)
    queue.setRetryAt(now() + wait)
    log(`send failed (${outcome.reason}); retry ${attempt} in ${Math.round(wait)} ms`)
    return false
  }

  const run = (): Promise<void> =>
    (flushing ??= (async () => {
      let more = true
      while (more && !stopped && !paused && queue.retryAt() <= now()) {
        more = false
        if (!(await lock.run(async () => void (more = await sendBatch())))) break
      }
    })().finally(() => {
      flushing = undefined
      const wait = queue.retryAt() - now()
      if (!paused && queue.size()) schedule(wait > 0 ? wait : intervalMs)
    }))

  /** Hands the queue to the browser (unless backing off) and writes pending state now: the page may go away. */
  const unload = (): void => {
    if (queue.retryAt() <= now()) {
      const dropped = queue.dropped()
      const batch = queue.take(500)
      const { ids, done } = transport.unload(batch, dropped)
      if (ids.length) queue.mark(ids, now() + inflightMs)
      void done?.then((outcome) => settle(ids, dropped, outcome, batch))
    }
    options.store.flush()
  }

  const win = globalThis.window
  const resume = (): void => {
    paused = false
    void run()
  }
  const onVisibility = (): void => (document.visibilityState === 'hidden' ? unload() : resume())
  win?.addEventListener('pagehide', unload)
  win?.addEventListener('online', resume)
  win?.document?.addEventListener('visibilitychange', onVisibility)
  if (queue.size()) schedule(0)

  return {
    enqueue(event) {
      const { size, dropped } = queue.push(event)
      if (dropped) log(`queue full: dropped the oldest ${dropped} event(s); the next batch reports it`)
      if (!paused) schedule(size >= batchSize ? 0 : intervalMs)
    },
    flush() {
      paused = false
      return run()
    },
    unload,
    stop() {
      stopped = true
      timers.clearTimeout(timer)
      transport.abort()
      lock.release()
      win?.removeEventListener('pagehide', unload)
      win?.removeEventListener('online', resume)
      win?.document?.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
