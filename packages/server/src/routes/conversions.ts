// POST /v1/conversions (secret key): an upgrade confirmed by billing, credited to the last exposure.
import type { Hono } from 'hono'
import { defaultMrrDelta, unknownFrom, unknownTarget } from '../conversion-value.ts'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import { errorResponse, fromZod, summarize, isErrorResponse, type RequestIssue } from '../http/errors.ts'
import { readJson } from '../http/json-body.ts'
import { conversionSchema, EARLIEST_CONVERSION_TS, type ConversionBody } from '../http/schemas.ts'
import { requireKey } from '../middleware/auth/index.ts'
import type { ConversionResult } from '../store/types.ts'

const DAY_MS = 86_400_000
const BODY_HINT = 'Send { "id", "account", "to", "from"?, "mrr_delta"?, "ts"? } as GET /v1/openapi.json describes.'

/** Registers `POST /v1/conversions`. */
export function conversionsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.post('/v1/conversions', requireKey(deps.keyring, 'secret'), async (c) => {
    const body = await readJson(c, false)
    if (isErrorResponse(body)) return body
    const parsed = conversionSchema.safeParse(body)
    if (!parsed.success) {
      const issues = fromZod(parsed.error)
      return errorResponse(400, 'invalid_conversion', `Failed to read the conversion: ${summarize(issues)}.`, BODY_HINT, { issues })
    }
    const input = parsed.data
    const now = deps.now()
    const ts = input.ts === undefined ? now : typeof input.ts === 'number' ? input.ts : Date.parse(input.ts)
    const tsIssue = timeIssue(input.ts, ts, now)
    if (tsIssue) {
      return errorResponse(400, 'invalid_conversion', `Failed to read the conversion: ${summarize([tsIssue])}.`, tsIssue.hint,
        { issues: [tsIssue] })
    }
    const rules = deps.rules.current()
    const mrrDelta = input.mrr_delta ?? defaultMrrDelta(rules, input.to, input.from)
    if (typeof mrrDelta !== 'number') {
      return errorResponse(400, 'invalid_conversion', `Failed to value the conversion: ${summarize([mrrDelta])}.`,
        `${mrrDelta.hint}.`, { issues: [mrrDelta] })
    }
    const result = await deps.store.recordConversion(
      { id: input.id, account: input.account, to: input.to, mrrDelta, ts },
      rules.attribution.windowMs,
    )
    const conflicts = result.duplicate ? differences(result, input, mrrDelta, ts) : []
    if (conflicts.length > 0) {
      return errorResponse(409, 'conversion_conflict',
        `Failed to record the conversion: id '${input.id}' was recorded before with another ${conflicts.map((i) => i.path).join(', ')}.`,
        'Use a new id for a different conversion; resend the first body to confirm the recorded one.', { issues: conflicts })
    }
    const credited = result.attribution && {
      trigger: result.attribution.trigger,
      variant: result.attribution.variant,
      exposed_at: new Date(result.attribution.exposedAt).toISOString(),
    }
    // Billing may report a plan the rules no longer have: recorded as sent, and said, in case it is a typo.
    const warnings = input.mrr_delta === undefined ? []
      : [unknownTarget(rules, input.to), unknownFrom(rules, input.from)].filter((issue) => issue !== undefined)
    return c.json(
      { id: result.id, account: result.account, to: result.to, mrr_delta: result.mrrDelta,
        ts: new Date(result.ts).toISOString(), credited, duplicate: result.duplicate, ...(warnings.length > 0 ? { warnings } : {}) },
      result.duplicate ? 200 : 201,
    )
  })
}

/**
 * A `ts` that is plainly wrong: before 2000-01-01 (most often epoch seconds sent as milliseconds) or more than a
 * day ahead of the server clock.
 */
function timeIssue(sent: ConversionBody['ts'], ts: number, now: number): RequestIssue | undefined {
  if (ts < EARLIEST_CONVERSION_TS) {
    const seconds = typeof sent === 'number' && sent * 1000 >= EARLIEST_CONVERSION_TS && sent * 1000 <= now + DAY_MS
    return {
      code: 'ts_out_of_range',
      path: 'ts',
      message: typeof sent === 'number'
        ? `ts ${sent} is ${new Date(ts).toISOString()}, before 2000-01-01`
        : `ts ${new Date(ts).toISOString()} is before 2000-01-01`,
      hint: seconds
        ? `ts is epoch milliseconds, and ${sent} looks like seconds: send ${sent * 1000}.`
        : 'ts is epoch milliseconds (or an ISO 8601 time such as 2026-11-23T12:00:00Z): send the time the upgrade happened.',
    }
  }
  if (ts > now + DAY_MS) {
    return {
      code: 'ts_out_of_range',
      path: 'ts',
      message: `ts ${new Date(ts).toISOString()} is more than 1 day after the server time`,
      hint: 'ts is epoch milliseconds (or an ISO 8601 time with an offset): send the time the upgrade happened.',
    }
  }
  return undefined
}

/**
 * The fields of a repeated conversion that differ from the recorded one. Only what the request states is compared:
 * `ts` and `mrr_delta` when sent, and `from` through the MRR delta it implies (the store keeps no `from`).
 */
function differences(stored: ConversionResult, input: ConversionBody, mrrDelta: number, ts: number): RequestIssue[] {
  const issues: RequestIssue[] = []
  const differ = (path: string, message: string) => issues.push({ code: 'conflict', path, message })
  const was = (path: string, recorded: unknown, sent: unknown) =>
    differ(path, `${path} was ${JSON.stringify(recorded)}, not ${JSON.stringify(sent)}`)
  if (stored.account !== input.account) was('account', stored.account, input.account)
  if (stored.to !== input.to) was('to', stored.to, input.to)
  if (input.mrr_delta !== undefined && stored.mrrDelta !== input.mrr_delta) was('mrr_delta', stored.mrrDelta, input.mrr_delta)
  if (input.mrr_delta === undefined && input.from !== undefined && stored.to === input.to && stored.mrrDelta !== mrrDelta) {
    differ('from', `from '${input.from}' makes mrr_delta ${mrrDelta}, but ${stored.mrrDelta} was recorded`)
  }
  if (input.ts !== undefined && stored.ts !== ts) was('ts', new Date(stored.ts).toISOString(), new Date(ts).toISOString())
  return issues
}
