// POST /v1/conversions (secret key): an upgrade confirmed by billing, credited to the last exposure.
import type { Hono } from 'hono'
import { defaultMrrDelta } from '../conversion-value.ts'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import { errorResponse, fromZod, summarize, isErrorResponse } from '../http/errors.ts'
import { readJson } from '../http/json-body.ts'
import { conversionSchema } from '../http/schemas.ts'
import { requireKey } from '../middleware/auth/index.ts'

const DAY_MS = 86_400_000

/** Registers `POST /v1/conversions`. */
export function conversionsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.post('/v1/conversions', requireKey(deps.keyring, 'secret'), async (c) => {
    const body = await readJson(c, false)
    if (isErrorResponse(body)) return body
    const parsed = conversionSchema.safeParse(body)
    if (!parsed.success) {
      const issues = fromZod(parsed.error)
      return errorResponse(400, 'invalid_conversion', `Failed to read the conversion: ${summarize(issues)}.`,
        'Send { "id", "account", "to", "mrr_delta"?, "ts"? }.', { issues })
    }
    const input = parsed.data
    const now = deps.now()
    const ts = input.ts === undefined ? now : typeof input.ts === 'number' ? input.ts : Date.parse(input.ts)
    if (ts > now + DAY_MS) {
      const issues = [{ code: 'ts_out_of_range', path: 'ts', message: 'ts is more than 1 day after the server time' }]
      return errorResponse(400, 'invalid_conversion', `Failed to read the conversion: ${summarize(issues)}.`,
        'Send the time the upgrade happened.', { issues })
    }
    const rules = deps.rules.current()
    const mrrDelta = input.mrr_delta ?? defaultMrrDelta(rules, input.to, input.from)
    if (typeof mrrDelta !== 'number') {
      return errorResponse(400, 'invalid_conversion', `Failed to value the conversion: ${summarize([mrrDelta])}.`,
        mrrDelta.hint, { issues: [mrrDelta] })
    }
    const result = await deps.store.recordConversion(
      { id: input.id, account: input.account, to: input.to, mrrDelta, ts },
      rules.attribution.windowMs,
    )
    const credited = result.attribution && {
      trigger: result.attribution.trigger,
      variant: result.attribution.variant,
      exposed_at: new Date(result.attribution.exposedAt).toISOString(),
    }
    return c.json(
      { id: result.id, account: result.account, to: result.to, mrr_delta: result.mrrDelta,
        ts: new Date(result.ts).toISOString(), credited, duplicate: result.duplicate },
      result.duplicate ? 200 : 201,
    )
  })
}
