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
  /** Hands what is queued to the browser for a page that is going away, and writes pending state. */
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
  const { store, transport, lock, timers, now, log } = options
  const batchSize = options.batchSize ?? 50
  const intervalMs = options.intervalMs ?? 1000
  const queue = createQueue(store, options.key, now)
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

  /** Up to `max` waiting events, marked in flight and stored before they go out; and the drops to report. */
  const claim = (max: number) => {
    const batch = queue.take(max)
    const ids = batch.map((e) => e.id)
    queue.mark(ids, now() + (options.inflightMs ?? 15_000))
    store.flush()
    return { batch, ids, dropped: queue.state().d }
  }

  /** Applies the answer to a batch: back to waiting for a retry, else out of the queue with its drops reported. */
  const settle = ({ batch, ids, dropped }: ReturnType<typeof claim>, { rejected, retry, reason }: Outcome): void => {
    if (retry !== undefined) return queue.mark(ids, 0)
    queue.remove(ids)
    queue.update((s) => void (s.d = Math.max(0, s.d - dropped + (rejected ? 0 : ids.length))))
    if (!rejected) log(`dropped ${ids.length} events (${reason})`)
    for (const { index, error } of rejected ?? []) log(`server rejected event ${batch[index]?.id}`, error)
  }

  /** Sends one batch; `true` when there may be more to send right away. */
  const sendBatch = async (): Promise<boolean> => {
    const claimed = claim(batchSize)
    if (!claimed.ids.length) return false
    const outcome = await transport.post(claimed.batch, claimed.dropped)
    settle(claimed, outcome)
    if (stopped) return false
    if (outcome.retry === undefined) return (attempt = 0), true
    if (++attempt >= MAX_ATTEMPTS) {
      paused = true
      attempt = 0
      log(`paused after ${MAX_ATTEMPTS} failed attempts (${outcome.reason}); the events stay queued`)
      return false
    }
    const wait = backoff(attempt - 1, options.random, outcome.retry)
    queue.update((s) => void (s.r = now() + wait))
    log(`retry ${attempt} in ${Math.round(wait)} ms (${outcome.reason})`)
    return false
  }

  const run = (): Promise<void> =>
    (flushing ??= (async () => {
      let more = true
      while (more && !stopped && !paused && queue.state().r <= now()) {
        more = false
        if (!(await lock(async () => void (more = await sendBatch())))) break
      }
    })().finally(() => {
      flushing = undefined
      const wait = queue.state().r - now()
      if (!paused && queue.state().q.length) schedule(wait > 0 ? wait : intervalMs)
    }))

  const unload = (): void => {
    if (queue.state().r <= now()) {
      const claimed = claim(500)
      const { ids, done } = transport.unload(claimed.batch, claimed.dropped)
      // What the browser would not take goes back to waiting for the next page.
      queue.mark(claimed.ids.filter((id) => !ids.includes(id)), 0)
      void done?.then((outcome) => settle({ ...claimed, ids }, outcome))
    }
    store.flush()
  }

  const resume = (): void => {
    paused = false
    void run()
  }
  const onVisibility = (): void => (document.visibilityState === 'hidden' ? unload() : resume())
  const win = globalThis.window
  /** Adds (`'add'`) or removes (`'remove'`) the page listeners. */
  const listen = (how: 'add' | 'remove') => {
    win?.[`${how}EventListener`]('pagehide', unload)
    win?.[`${how}EventListener`]('online', resume)
    win?.document?.[`${how}EventListener`]('visibilitychange', onVisibility)
  }
  listen('add')
  if (queue.state().q.length) schedule(0)

  return {
    enqueue(event) {
      if (queue.push(event)) log('queue full: dropped the oldest event')
      if (!paused) schedule(queue.state().q.length >= batchSize ? 0 : intervalMs)
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
      listen('remove')
    },
  }
}
