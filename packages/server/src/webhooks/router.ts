// Expansion-signal routing: rules-file `routes` → deduplicated webhooks in the store's outbox, sent by its worker.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Route } from '@nudgekit/rules'
import { parseDuration } from '@nudgekit/rules/evaluator'
import { jsonLinesLogger } from '../logger.ts'
import type { NudgeEvent, WebhookEnqueue } from '../store/types.ts'
import type { BackoffOptions } from './deliver.ts'
import { createOutboxWorker, errorMessage, type WebhookLogger, type WebhookOutbox } from './outbox-worker.ts'

export type { WebhookLogger, WebhookOutbox } from './outbox-worker.ts'

/** Re-notify delay of a route without `renotify_after`: one notification per account and trigger a week. */
export const DEFAULT_RENOTIFY_MS = 7 * 86_400_000

/** How long one delivery attempt may take by default. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000

/** How long an instance owns a delivery it attempts by default, before another may take it over. */
export const DEFAULT_LEASE_MS = 60_000

/** The body of a routed webhook. */
export interface WebhookPayload {
  /** Delivery id, stable across retries: `<route>:<event id>`. */
  id: string
  route: string
  /** `upgrade_requested`, or `impression` / `eligible` of a routed trigger. */
  type: 'upgrade_requested' | 'impression' | 'eligible'
  /** ISO 8601 time of the event. */
  ts: string
  account: { id: string; plan: string | null }
  user: { id: string; role: string | null }
  trigger: string | null
  variant: string | null
}

export interface WebhookRouterOptions {
  /** The rules file's `routes`. */
  routes: readonly Route[]
  /** Where deliveries wait until they land: the store (`sqlite(…)` or `postgres(…)`). */
  store: WebhookOutbox
  fetch?: typeof globalThis.fetch
  now?: () => number
  /** Default: JSON lines on stdout. */
  logger?: WebhookLogger
  /** Where `secret_env` names are looked up. Default `process.env`. */
  env?: Record<string, string | undefined>
  /** Retry tuning; defaults: 6 attempts, backoff from 1 s doubling to 60 s, 10 s per attempt. */
  delivery?: Partial<BackoffOptions & { maxAttempts: number; timeoutMs: number }>
  /** How often the worker looks for due retries and deliveries other instances left. Default 1000 ms. */
  pollIntervalMs?: number
  /**
   * How long an instance owns a delivery it is attempting; when it dies mid-attempt, another instance (or
   * this one restarted) takes the delivery over after this. Longer than an attempt may take. Default 60 s.
   */
  leaseMs?: number
}

export interface WebhookRouter {
  /**
   * The deliveries of newly stored events, one per route an event matches; pass it as `store.ingest`'s `route`,
   * which enqueues them in the ingest's transaction. Pure: builds rows, reads the clock, writes nothing.
   */
  deliveriesFor(events: readonly NudgeEvent[]): WebhookEnqueue[]
  /** Call once an ingest that enqueued deliveries committed: the worker sends them now, not at its next poll. */
  wake(): void
  /**
   * Starts the delivery worker, and dead-letters the deliveries of routes this router does not serve (removed
   * from the rules, or disabled) that are older than a lease; `createHandler` does when it puts the router in service.
   */
  start(): void
  /** Resolves once the start's clean-up is done and every delivery due now has been attempted (tests). */
  idle(): Promise<void>
  /** Stops the worker; resolves once the clean-up and attempts under way are recorded. The rest stays in the outbox. */
  close(): Promise<void>
}

interface ResolvedRoute {
  id: string
  url: string
  on: ReadonlySet<string>
  secret: string | undefined
  renotifyMs: number
}

/**
 * Routes expansion signals to webhooks. An `upgrade_requested` event goes to every route whose `on`
 * lists `upgrade_requested`; an `impression` or `eligible` event of a trigger goes to every route
 * whose `on` lists that trigger. Each (route, account, trigger) is notified at most once per
 * `renotify_after`: the claim and the delivery are written to the store's outbox in the transaction that
 * stores the event (`store.ingest(source, events, { route: router.deliveriesFor })`), so a committed event
 * always has its delivery (or lost its claim to a recent one), several server instances agree, and a
 * delivery survives a crash or a restart. The router's worker sends them at least once, signed with the
 * secret in the environment variable `secret_env` (see `verifySignature`) and with a stable
 * `X-Nudgekit-Delivery` id receivers dedupe by, retrying failures with jittered exponential backoff; after the last attempt the delivery stays in the outbox as a dead
 * letter and the claim is given back, so the next signal for the account and trigger is routed again.
 * Deliveries of a route no longer in the rules become dead letters when a router without it starts, once
 * older than a lease (younger ones may belong to an instance still on the old rules, in a rolling deploy).
 * The account's plan and the user's role come from the event's `props.plan` and `props.role`.
 *
 * @example
 * const router = createRouter({ routes: rules.routes ?? [], store })
 * router.start() // createHandler does this
 * const result = await store.ingest(source, events, { route: router.deliveriesFor })
 * if (result.enqueued) router.wake()
 */
export function createRouter(options: WebhookRouterOptions): WebhookRouter {
  const now = options.now ?? Date.now
  const logger = options.logger ?? jsonLinesLogger()
  const env = options.env ?? process.env
  const { maxAttempts = 6, timeoutMs = DEFAULT_ATTEMPT_TIMEOUT_MS, ...backoff } = options.delivery ?? {}
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  if (leaseMs <= timeoutMs) {
    throw new Error(`[nudgekit] Failed to create the webhooks router: leaseMs (${leaseMs}) is not longer than an attempt may take (timeoutMs ${timeoutMs}), so another instance could send a delivery still under way. Give leaseMs more than timeoutMs.`)
  }
  const routes = options.routes.flatMap((route) => resolveRoute(route, env, logger))
  const worker = createOutboxWorker({
    outbox: options.store,
    targets: new Map(routes.map((route) => [route.id, { url: route.url, secret: route.secret }])),
    owner: `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`,
    now,
    logger,
    attempt: { fetch: options.fetch ?? globalThis.fetch, now, timeoutMs },
    backoff: { random: Math.random, baseDelayMs: 1_000, maxDelayMs: 60_000, ...backoff },
    maxAttempts,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    leaseMs,
    batchSize: 10,
  })
  // The start's clean-up, which idle() and close() wait for; set once started.
  let cleanUp: Promise<void> | undefined

  const deadLetterUnrouted = async (): Promise<void> => {
    try {
      const at = now()
      const count = await options.store.deadLetterUnroutedWebhooks({ routes: routes.map((route) => route.id), enqueuedBefore: at - leaseMs, now: at })
      if (count > 0) {
        logger.error(
          `[nudgekit] Failed to deliver ${count} webhook${count === 1 ? '' : 's'}: their routes are no longer in the rules, or are disabled. They are kept in webhook_outbox as dead letters (last_error names the route); send them again once the route is back.`,
          { dead_lettered: count },
        )
      }
    } catch (error) {
      logger.error(`[nudgekit] Failed to dead-letter the webhooks of routes no longer in the rules: ${errorMessage(error)}. The next start tries again.`, {})
    }
  }

  return {
    deliveriesFor(events) {
      const deliveries: WebhookEnqueue[] = []
      for (const event of events) {
        for (const route of routes) {
          if (!matches(route, event)) continue
          const payload = toPayload(route.id, event)
          deliveries.push({
            id: payload.id,
            route: route.id,
            account: event.account,
            key: dedupeKey(event),
            payload: JSON.stringify(payload),
            now: now(),
            renotifyMs: route.renotifyMs,
          })
        }
      }
      return deliveries
    },
    wake: () => worker.wake(),
    start() {
      if (cleanUp) return
      cleanUp = deadLetterUnrouted()
      worker.start()
    },
    async idle() {
      await cleanUp
      await worker.drain()
    },
    async close() {
      const stopped = worker.close()
      await cleanUp
      await stopped
    },
  }
}

function resolveRoute(route: Route, env: Record<string, string | undefined>, logger: WebhookLogger): ResolvedRoute[] {
  const secret = route.secret_env === undefined ? undefined : env[route.secret_env]
  if (route.secret_env !== undefined && !secret) {
    logger.error(
      `[nudgekit] Failed to set up route '${route.id}': the environment variable ${route.secret_env} is empty or not set. Set it to the signing secret shared with the receiver.`,
      { route: route.id },
    )
    return []
  }
  if (!isHttpUrl(route.url)) {
    logger.error(
      `[nudgekit] Failed to set up route '${route.id}': '${route.url}' is not an http(s) URL. Give the receiver's full URL, e.g. https://crm.example.com/hooks/nudgekit.`,
      { route: route.id },
    )
    return []
  }
  const renotifyMs = route.renotify_after === undefined ? DEFAULT_RENOTIFY_MS : parseDuration(route.renotify_after)
  return [{ id: route.id, url: route.url, on: new Set(route.on), secret, renotifyMs: renotifyMs ?? DEFAULT_RENOTIFY_MS }]
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}

function matches(route: ResolvedRoute, event: NudgeEvent): boolean {
  if (event.type === 'upgrade_requested') return route.on.has('upgrade_requested')
  if (event.type === 'impression' || event.type === 'eligible') return event.trigger !== undefined && route.on.has(event.trigger)
  return false
}

// An upgrade request is a stronger signal than an impression of the same trigger: it gets its own
// dedupe slot, so a recent impression notification never swallows it.
function dedupeKey(event: NudgeEvent): string {
  if (event.type === 'upgrade_requested') return event.trigger ? `upgrade_requested:${event.trigger}` : 'upgrade_requested'
  return event.trigger ?? ''
}

function toPayload(route: string, event: NudgeEvent): WebhookPayload {
  return {
    id: `${route}:${event.id}`,
    route,
    type: event.type as WebhookPayload['type'],
    ts: new Date(event.ts).toISOString(),
    account: { id: event.account, plan: stringProp(event, 'plan') },
    user: { id: event.user, role: stringProp(event, 'role') },
    trigger: event.trigger ?? null,
    variant: event.variant ?? null,
  }
}

function stringProp(event: NudgeEvent, name: string): string | null {
  const value = event.props?.[name]
  return typeof value === 'string' ? value : null
}
