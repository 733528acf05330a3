// The outbox worker: leases due webhook deliveries from the store, attempts each once, records the outcome.
import type { LeasedWebhook, WebhookOutbox } from '../store/types.ts'
import { attemptDelivery, retryDelay, type AttemptOptions, type BackoffOptions } from './deliver.ts'

export type { WebhookOutbox } from '../store/types.ts'

/** The part of the server `Logger` the webhooks use. */
export interface WebhookLogger {
  info(message: string, fields: Record<string, unknown>): void
  error(message: string, fields: Record<string, unknown>): void
}

/** Where a route's deliveries go. */
export interface DeliveryTarget {
  url: string
  secret: string | undefined
}

export interface OutboxWorkerOptions {
  outbox: WebhookOutbox
  /** By route id; only these routes' deliveries are leased. */
  targets: ReadonlyMap<string, DeliveryTarget>
  /** Lease owner: unique per worker. */
  owner: string
  now: () => number
  logger: WebhookLogger
  attempt: AttemptOptions
  backoff: BackoffOptions
  /**
   * Attempts in all, the first included, counted when leased; a delivery failing the last one, or whose last
   * lease ended without an outcome, becomes a dead letter.
   */
  maxAttempts: number
  /** Pause between looks at the outbox when nothing woke the worker. */
  pollIntervalMs: number
  /** How long a leased delivery stays this worker's; longer than an attempt can take. */
  leaseMs: number
  /** Attempts under way at most; a lease takes only as many due deliveries as there are free slots. */
  batchSize: number
}

export interface OutboxWorker {
  /** Starts polling the outbox (and looks at once). */
  start(): void
  /** Looks at the outbox now (after an enqueue) instead of at the next poll; nothing before `start`. */
  wake(): void
  /** Attempts what is due at `now()` until nothing is, then resolves (also before `start`). */
  drain(): Promise<void>
  /** Stops polling; resolves once the attempts under way are recorded. Leased rows left are due after their lease. */
  close(): Promise<void>
}

/**
 * A worker delivering a store's webhook outbox: it leases due deliveries of its routes into `batchSize` slots,
 * attempts each once (`attemptDelivery`), then deletes it when delivered, schedules the next attempt with
 * jittered backoff, or dead-letters it after the last attempt or a final answer (which gives the notification
 * claim back). An attempt frees its slot once its outcome is recorded, and the worker leases into it at once:
 * a receiver hanging until the attempt timeout holds one slot, not every other delivery. It leases as many due
 * deliveries as there are free slots when one frees, on `wake` and at each poll; never while they are all taken.
 * A worker that dies mid-attempt records nothing: its lease ends, and the delivery is attempted again, by any
 * worker, with the same delivery id. The lease counts the attempt, so a delivery that stops its instance every
 * time is dead-lettered after `maxAttempts` leases, not resent forever.
 *
 * @example
 * const worker = createOutboxWorker({ outbox: store, targets, owner: 'host/123/ab12', now: Date.now, logger,
 *   attempt: { fetch, now: Date.now, timeoutMs: 10_000 }, backoff: { random: Math.random, baseDelayMs: 1_000,
 *   maxDelayMs: 60_000 }, maxAttempts: 6, pollIntervalMs: 1_000, leaseMs: 60_000, batchSize: 10 })
 * worker.start()
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { outbox, logger, now } = options
  const routes = [...options.targets.keys()]
  let state: 'new' | 'started' | 'closed' = 'new'
  let timer: ReturnType<typeof setTimeout> | undefined

  const logDeadLetter = async (reason: string, url: string, fields: Record<string, unknown>): Promise<void> => {
    // The count is context for the line: a store that cannot count now does not keep the dead letter unlogged.
    const dead = await outbox.webhookCounts(now()).then((counts) => counts.dead, () => undefined)
    logger.error(
      `[nudgekit] Failed to deliver webhook: ${reason}. Check that ${url} accepts POST requests; the delivery is kept in webhook_outbox as a dead letter.`,
      { ...fields, dead_letters: dead },
    )
  }

  const settle = async (delivery: LeasedWebhook): Promise<void> => {
    const target = options.targets.get(delivery.route)!
    const outcome = await attemptDelivery(
      { url: target.url, body: delivery.payload, secret: target.secret, deliveryId: delivery.id },
      options.attempt,
    )
    const { attempts } = delivery
    const fields = { ...logFields(delivery), attempts, status: outcome.status }
    try {
      if (outcome.ok) {
        logger.info('webhook delivered', fields)
        await outbox.completeWebhook(delivery.id)
        return
      }
      if (outcome.retryable && attempts < options.maxAttempts) {
        const delayMs = Math.round(retryDelay(attempts, outcome.retryAfterMs, options.backoff))
        if (await outbox.retryWebhook(delivery.id, options.owner, now() + delayMs, outcome.reason)) {
          logger.info('webhook attempt failed; retrying', { ...fields, reason: outcome.reason, retry_in_ms: delayMs })
        }
        return
      }
      if (await outbox.deadLetterWebhook(delivery.id, options.owner, outcome.reason, now())) {
        await logDeadLetter(outcome.reason, target.url, fields)
      }
    } catch (error) {
      logger.error(
        `[nudgekit] Failed to record a webhook attempt: ${errorMessage(error)}. It is attempted again when its lease ends.`,
        fields,
      )
    }
  }

  // Attempts under way, each holding one of `batchSize` slots until its outcome is recorded.
  const attempts = new Set<Promise<void>>()
  // The one loop leasing into free slots, while it runs.
  let filling: Promise<void> | undefined
  // Something may be due: set by start, wake, drain, the poll, a freed slot, and a lease that took rows.
  let due = false
  // After a failed lease a freed slot does not lease again: the poll does (or a wake, or drain).
  let leaseFailed = false
  /** The last lease failure's message while leases fail, so an outage is logged once. */
  let leaseError: string | undefined
  let idle: { promise: Promise<void>; resolve: () => void } | undefined

  const running = () => state !== 'closed'
  const free = () => options.batchSize - attempts.size

  /** Leases into the free slots while something may be due; returns once they are full or nothing was. */
  const fill = async (): Promise<void> => {
    while (due && running() && free() > 0) {
      due = false
      let result
      try {
        result = await outbox.leaseWebhooks({
          routes, owner: options.owner, now: now(), leaseMs: options.leaseMs, limit: free(), maxAttempts: options.maxAttempts,
        })
      } catch (error) {
        // Said once per outage (and again if the reason changes), not at every poll: a database that is
        // down for minutes would otherwise write a line a second.
        const message = errorMessage(error)
        if (!leaseFailed || message !== leaseError) {
          logger.error(`[nudgekit] Failed to lease webhook deliveries: ${message}. The worker looks again every ${options.pollIntervalMs} ms and says when it succeeds.`, {})
        }
        leaseFailed = true
        leaseError = message
        due = false
        return
      }
      if (leaseFailed) logger.info('webhook deliveries leased again after a failure', { error: leaseError })
      leaseFailed = false
      leaseError = undefined
      const { leased, deadLettered } = result
      for (const delivery of deadLettered) {
        await logDeadLetter(delivery.error, options.targets.get(delivery.route)!.url, { ...logFields(delivery), attempts: delivery.attempts })
      }
      for (const delivery of leased) begin(delivery)
      if (leased.length + deadLettered.length > 0) due = true
    }
  }

  /** Attempts a leased delivery in a slot of its own, leased into again once free (unless a lease failed). */
  const begin = (delivery: LeasedWebhook): void => {
    const attempt: Promise<void> = settle(delivery).finally(() => {
      attempts.delete(attempt)
      if (!leaseFailed) due = true
      kick()
    })
    attempts.add(attempt)
  }

  /**
   * Runs the lease loop when something may be due and a slot is free; otherwise sets the poll (once started) and,
   * with nothing under way, resolves `drain` and `close`. The loop restarts from its `finally` only when it can
   * lease, so a worker whose slots are all taken waits for one to free instead of spinning.
   */
  const kick = (): void => {
    if (filling || routes.length === 0) return
    if (due && running() && free() > 0) {
      clearTimeout(timer)
      timer = undefined
      filling = fill().finally(() => {
        filling = undefined
        kick()
      })
      return
    }
    if (state === 'started' && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined
        look()
      }, options.pollIntervalMs).unref()
    }
    if (attempts.size === 0 && idle) {
      idle.resolve()
      idle = undefined
    }
  }

  /** Leases what is due into the free slots now, or as soon as one frees. */
  const look = (): void => {
    due = true
    kick()
  }

  /** Resolves once no lease and no attempt is under way. */
  const whenIdle = (): Promise<void> => {
    if (!filling && attempts.size === 0) return Promise.resolve()
    if (!idle) {
      let resolve = () => {}
      const promise = new Promise<void>((done) => (resolve = done))
      idle = { promise, resolve }
    }
    return idle.promise
  }

  return {
    start() {
      if (state !== 'new') return
      state = 'started'
      look()
    },
    wake() {
      if (state === 'started') look()
    },
    drain() {
      look()
      return whenIdle()
    },
    close() {
      state = 'closed'
      clearTimeout(timer)
      timer = undefined
      return whenIdle()
    },
  }
}

/** Log fields from the payload this server wrote (only the ids when someone edited it into something else). */
function logFields(delivery: { id: string; route: string; payload: string }): Record<string, unknown> {
  const fields = { route: delivery.route, delivery: delivery.id }
  try {
    const payload = JSON.parse(delivery.payload) as { type?: string; account?: { id?: string }; trigger?: string | null }
    return { ...fields, type: payload.type, account: payload.account?.id, trigger: payload.trigger ?? null }
  } catch {
    return fields
  }
}

/** The message of something thrown, for a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
