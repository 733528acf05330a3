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
  /** Deliveries leased and attempted at once. */
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
 * A worker delivering a store's webhook outbox: each turn leases up to `batchSize` due deliveries of its
 * routes, attempts each once (`attemptDelivery`), then deletes it when delivered, schedules the next
 * attempt with jittered backoff, or dead-letters it after the last attempt or a final answer (which gives
 * the notification claim back). A worker that dies mid-attempt records nothing: its lease ends, and the
 * delivery is attempted again, by any worker, with the same delivery id. The lease counts the attempt, so
 * a delivery that stops its instance every time is dead-lettered after `maxAttempts` leases, not resent forever.
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
  let draining: Promise<void> | undefined
  let again = false

  const logDeadLetter = async (reason: string, url: string, fields: Record<string, unknown>): Promise<void> => {
    // The count is context for the line: a store that cannot count now does not keep the dead letter unlogged.
    const dead = await outbox.webhookCounts().then((counts) => counts.dead, () => undefined)
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

  /** One lease and its attempts; the number of deliveries it took from the outbox. */
  const turn = async (): Promise<number> => {
    let result
    try {
      result = await outbox.leaseWebhooks({
        routes, owner: options.owner, now: now(), leaseMs: options.leaseMs, limit: options.batchSize, maxAttempts: options.maxAttempts,
      })
    } catch (error) {
      logger.error(`[nudgekit] Failed to lease webhook deliveries: ${errorMessage(error)}. The worker looks again in ${options.pollIntervalMs} ms.`, {})
      return 0
    }
    const { leased, deadLettered } = result
    for (const delivery of deadLettered) {
      await logDeadLetter(delivery.error, options.targets.get(delivery.route)!.url, { ...logFields(delivery), attempts: delivery.attempts })
    }
    await Promise.all(leased.map(settle))
    return leased.length + deadLettered.length
  }

  // A function, not a comparison: TypeScript would keep the narrowing of the guard below inside the loop.
  const running = () => state !== 'closed'
  const drain = (): Promise<void> => {
    if (!running() || routes.length === 0) return draining ?? Promise.resolve()
    if (draining) {
      again = true
      return draining
    }
    clearTimeout(timer)
    draining = (async () => {
      try {
        do {
          again = false
          while (running() && (await turn()) > 0);
        } while (again && running())
      } finally {
        draining = undefined
        if (state === 'started') timer = setTimeout(() => void drain(), options.pollIntervalMs).unref()
      }
    })()
    return draining
  }

  return {
    start() {
      if (state !== 'new') return
      state = 'started'
      void drain()
    },
    wake() {
      if (state === 'started') void drain()
    },
    drain,
    async close() {
      state = 'closed'
      clearTimeout(timer)
      await draining
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
