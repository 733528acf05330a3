// Expansion-signal routing: rules-file `routes` → deduplicated, signed webhooks to the account owner's team.
import type { Route } from '@nudgekit/rules'
import { parseDuration } from '@nudgekit/rules/evaluator'
import { jsonLinesLogger } from '../logger.ts'
import type { NudgeEvent } from '../store/types.ts'
import { deliver, type DeliveryOptions } from './deliver.ts'

/** Re-notify delay of a route without `renotify_after`: one notification per account and trigger a week. */
export const DEFAULT_RENOTIFY_MS = 7 * 86_400_000

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

/** Same shape as the store method; the router only needs this one. */
export type ClaimNotification = (
  route: string,
  account: string,
  trigger: string,
  now: number,
  renotifyMs: number,
) => Promise<boolean>

/** Same shape as the store method: gives back a claim whose delivery failed. */
export type ReleaseNotification = (route: string, account: string, trigger: string, claimedAt: number) => Promise<void>

/** The part of the server `Logger` the router uses. */
export interface WebhookLogger {
  info(message: string, fields: Record<string, unknown>): void
  error(message: string, fields: Record<string, unknown>): void
}

export interface WebhookRouterOptions {
  /** The rules file's `routes`. */
  routes: readonly Route[]
  /** Usually `store.claimNotification.bind(store)`. */
  claim: ClaimNotification
  /**
   * Usually `store.releaseNotification.bind(store)`: after the last failed attempt the claim is given back,
   * so the account's next signal notifies again. Without it, a failed delivery counts as sent until the
   * re-notify delay passes.
   */
  release?: ReleaseNotification
  fetch?: typeof globalThis.fetch
  now?: () => number
  /** Default: JSON lines on stdout. */
  logger?: WebhookLogger
  /** Where `secret_env` names are looked up. Default `process.env`. */
  env?: Record<string, string | undefined>
  /** Retry tuning; defaults: 6 attempts, 1 s doubling to 60 s, 10 s per attempt, real timers. */
  delivery?: Partial<Omit<DeliveryOptions, 'fetch' | 'now'>>
}

export interface WebhookRouter {
  /** Call after the batch is committed; returns at once, deliveries run in the background. */
  onEvents(events: readonly NudgeEvent[], source: string): void
  /** Resolves when every delivery started so far has finished (tests, graceful shutdown). */
  idle(): Promise<void>
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
 * `renotify_after` (claimed in the store, so several server instances agree), the body is signed
 * with the secret in the environment variable `secret_env` (see `verifySignature`), and failed
 * deliveries are retried with jittered exponential backoff; when every attempt failed, the claim is released
 * (with `release`) so the next signal for the account and trigger is routed again. The account's plan and the user's role
 * come from the event's `props.plan` and `props.role` when the client sent them.
 *
 * @example
 * const router = createRouter({ routes: rules.routes ?? [], claim: store.claimNotification.bind(store),
 *   release: store.releaseNotification.bind(store) })
 * const result = await store.ingest(key, events)
 * router.onEvents(result.accepted, key) // after commit; never awaited by the request
 */
export function createRouter(options: WebhookRouterOptions): WebhookRouter {
  const now = options.now ?? Date.now
  const logger = options.logger ?? jsonLinesLogger()
  const env = options.env ?? process.env
  const deliveryOptions: DeliveryOptions = {
    fetch: options.fetch ?? globalThis.fetch,
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    maxAttempts: 6,
    baseDelayMs: 1_000,
    maxDelayMs: 60_000,
    timeoutMs: 10_000,
    ...options.delivery,
  }
  const routes = options.routes.flatMap((route) => resolveRoute(route, env, logger))
  const pending = new Set<Promise<void>>()

  const notify = async (route: ResolvedRoute, event: NudgeEvent, source: string): Promise<void> => {
    const fields = { route: route.id, account: event.account, trigger: event.trigger ?? null, event: event.id, source: keyPrefix(source) }
    const claimedAt = now()
    const claimed = await options.claim(route.id, event.account, dedupeKey(event), claimedAt, route.renotifyMs)
    if (!claimed) return
    const payload = toPayload(route.id, event)
    const outcome = await deliver(
      { url: route.url, body: JSON.stringify(payload), secret: route.secret, deliveryId: payload.id },
      deliveryOptions,
    )
    if (outcome.ok) logger.info('webhook delivered', { ...fields, attempts: outcome.attempts, status: outcome.status })
    else {
      await options.release?.(route.id, event.account, dedupeKey(event), claimedAt)
      logger.error(`[nudgekit] Failed to deliver webhook: ${outcome.reason}. Check that ${route.url} accepts POST requests.`, {
        ...fields,
        attempts: outcome.attempts,
        status: outcome.status,
        released: options.release !== undefined,
      })
    }
  }

  return {
    onEvents(events, source) {
      for (const event of events) {
        for (const route of routes) {
          if (!matches(route, event)) continue
          const task = notify(route, event, source).catch((error: unknown) => {
            logger.error(`[nudgekit] Failed to route event: ${error instanceof Error ? error.message : String(error)}.`, {
              route: route.id,
              event: event.id,
            })
          })
          pending.add(task)
          void task.finally(() => pending.delete(task))
        }
      }
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending])
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

function keyPrefix(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}…` : key
}
