// createHandler: the web-standard (Request) => Response server, routing with Hono; adapters wrap it.
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { RouteDeps } from './http/deps.ts'
import type { AppEnv, ConnectionInfo } from './http/env.ts'
import { errorResponse } from './http/errors.ts'
import { openApiDocument } from './http/openapi.ts'
import { createKeyring, type KeysOption } from './keys.ts'
import { jsonLinesLogger, type Logger } from './logger.ts'
import { accessLog } from './middleware/access-log/index.ts'
import { bodyLimit } from './middleware/body-limit/index.ts'
import { allowOrigins } from './middleware/cors/index.ts'
import { notFound } from './middleware/not-found/index.ts'
import { rateLimit, type RateLimitOptions } from './middleware/rate-limit/index.ts'
import { createRulesSource } from './rules-source.ts'
import { conversionsRoute } from './routes/conversions.ts'
import { dashboardRoute } from './routes/dashboard.ts'
import { eventsRoute } from './routes/events.ts'
import { rulesRoutes } from './routes/rules.ts'
import { statsRoutes } from './routes/stats.ts'
import { StoreUnavailableError, type Store } from './store/types.ts'
import type { WebhookRouter } from './webhooks/index.ts'
import type { Route } from '@nudgekit/rules'

export interface Limits extends RateLimitOptions {
  /** Largest request body in bytes (413 above). Default 512 KB. */
  maxBodyBytes?: number
  /** Most events in one batch. Default 500. */
  maxEventsPerBatch?: number
  /** Largest event, as JSON, in bytes. Default 8 KB. */
  maxEventBytes?: number
  /** Seconds a client is told to wait when the store is unreachable. Default 5. */
  storeRetryAfterSec?: number
}

export interface HandlerOptions {
  /** A rules file path (watched and hot-reloaded) or compiled rules. */
  rules: string | CompiledRules
  store: Store
  keys: KeysOption
  /**
   * Origins allowed to call the API from a browser, each `scheme://host[:port]` (a trailing slash is dropped).
   * No wildcards: list each origin. Default: none (same origin only).
   */
  cors?: readonly string[]
  /**
   * Routes expansion signals to the account owner: a router (`createRouter`), or a function making one from
   * the rules file's `routes`, called again after each valid edit so route changes apply without a restart.
   * The handler starts the router in service and closes it on `close()` (a replaced one at once).
   */
  webhooks?: WebhookRouter | ((routes: readonly Route[]) => WebhookRouter)
  limits?: Limits
  logger?: Logger
  /** Clock, for tests. */
  now?: () => number
}

/** The handler. The store stays the caller's to close. */
export interface Handler {
  (request: Request, connection?: ConnectionInfo): Promise<Response>
  /** The Hono app, to mount under another Hono app (`app.route('/nudgekit', handler.app)`). */
  readonly app: Hono<AppEnv>
  /**
   * Stops watching the rules file and the webhook worker; resolves once webhook attempts under way are recorded
   * (deliveries not yet made stay in the store's outbox for the next start).
   */
  close(): Promise<void>
}

/**
 * Builds the nudgekit HTTP API as a web-standard handler. Throws when the keys are malformed, a `cors` value
 * is not an origin, or the rules file is unreadable or invalid at start (the message carries the formatted issues).
 *
 * @example
 * const handler = createHandler({
 *   rules: './nudgekit.yaml',
 *   store: sqlite('./nudgekit.db'),
 *   keys: { publishable: process.env.NUDGEKIT_PUBLISHABLE_KEY!, secret: process.env.NUDGEKIT_SECRET_KEY! },
 *   cors: ['https://app.example.com'],
 * })
 * const response = await handler(new Request('http://localhost/healthz'))
 */
export function createHandler(options: HandlerOptions): Handler {
  const logger = options.logger ?? jsonLinesLogger()
  const limits = options.limits ?? {}
  const keyring = createKeyring(options.keys)
  const rules = createRulesSource(options.rules, logger)
  let webhooks: WebhookRouter | undefined
  const replaced = new Set<Promise<void>>()
  const putInService = (router: WebhookRouter) => {
    const previous = webhooks
    webhooks = router
    router.start()
    if (previous && previous !== router) {
      const closing = previous.close()
      replaced.add(closing)
      void closing.finally(() => replaced.delete(closing))
    }
  }
  const makeRouter = options.webhooks
  if (typeof makeRouter === 'function') {
    putInService(makeRouter(rules.routes()))
    rules.onReload(() => putInService(makeRouter(rules.routes())))
  } else if (makeRouter) {
    putInService(makeRouter)
  }
  const deps: RouteDeps = {
    store: options.store,
    rules,
    keyring,
    logger,
    webhooks: () => webhooks,
    now: options.now ?? Date.now,
    limits: { maxEventsPerBatch: limits.maxEventsPerBatch ?? 500, maxEventBytes: limits.maxEventBytes ?? 8 * 1024 },
  }
  const maxBodyBytes = limits.maxBodyBytes ?? 512 * 1024
  const retryAfter = String(limits.storeRetryAfterSec ?? 5)

  const app = new Hono<AppEnv>()
  app.use(requestId(), accessLog(logger))
  if (options.cors && options.cors.length > 0) app.use(allowOrigins(options.cors))
  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/readyz', async (c) => {
    await deps.store.ping()
    return c.json({ ok: true })
  })
  const openapi = openApiDocument()
  app.get('/v1/openapi.json', (c) => c.json(openapi))

  const limiter = rateLimit(keyring, limits)
  app.use('/v1/*', limiter)
  app.use('/dashboard/*', limiter)
  app.use('*', bodyLimit(maxBodyBytes))
  rulesRoutes(app, deps)
  eventsRoute(app, deps)
  conversionsRoute(app, deps)
  statsRoutes(app, deps)
  dashboardRoute(app, deps, options.keys.secret, { trustProxy: limits.trustProxy ?? false })

  app.notFound(notFound(app))
  app.onError((error, c) => {
    if (error instanceof StoreUnavailableError) {
      logger.error('store unavailable', { request_id: c.get('requestId'), error: error.message })
      return errorResponse(503, 'store_unavailable', 'Failed to reach the store: it is unreachable.', `Retry after ${retryAfter} s.`,
        { headers: { 'retry-after': retryAfter } })
    }
    if (error instanceof HTTPException) return error.getResponse()
    logger.error('unhandled error', { request_id: c.get('requestId'), error: error.stack ?? String(error) })
    return errorResponse(500, 'internal_error', 'Failed to answer the request: the server hit an unexpected error.',
      `Report it with request id ${c.get('requestId')}.`)
  })

  const handler = ((request: Request, connection: ConnectionInfo = {}) =>
    Promise.resolve(app.fetch(request, connection))) as Handler
  Object.defineProperty(handler, 'app', { value: app })
  handler.close = async () => {
    rules.close()
    await Promise.all([webhooks?.close(), ...replaced])
  }
  return handler
}
