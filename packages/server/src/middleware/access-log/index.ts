// Access log: one JSON line per request with its request id, status and duration.
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../../http/env.ts'
import type { Logger } from '../../logger.ts'

/**
 * Logs `request` lines after each answer (`error` level for 5xx, `warn` for 4xx). Needs `requestId()` first.
 * @example app.use(requestId(), accessLog(logger))
 */
export function accessLog(logger: Logger, now: () => number = performance.now.bind(performance)): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = now()
    await next()
    const status = c.res.status
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
    logger[level]('request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((now() - started) * 10) / 10,
    })
  }
}
