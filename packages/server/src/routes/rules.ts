// GET /v1/rules and GET /v1/state: the compiled rules (ETag/304) and an account's exposure state.
import type { Hono } from 'hono'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { RouteDeps } from '../http/deps.ts'
import type { AppEnv } from '../http/env.ts'
import { errorResponse, fromZod, summarize } from '../http/errors.ts'
import { stateQuerySchema } from '../http/schemas.ts'
import { requireKey } from '../middleware/auth/index.ts'
import type { AccountTriggerState } from '../store/types.ts'

/** Whether an `If-None-Match` header names `etag` (a list, weak validators and `*` included). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const value = tag.trim()
    return value === '*' || value === etag || value === `W/${etag}`
  })
}

/** Registers `GET /v1/rules` and `GET /v1/state`. */
export function rulesRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  app.get('/v1/rules', requireKey(deps.keyring, 'publishable'), (c) => {
    const rules = deps.rules.current()
    const etag = `"${rules.hash}"`
    const headers = { etag, 'cache-control': 'no-cache' }
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers)
    return c.json(rules, 200, headers)
  })

  app.get('/v1/state', requireKey(deps.keyring, 'publishable'), async (c) => {
    const query = stateQuerySchema.safeParse({ account: c.req.query('account') })
    if (!query.success) {
      const issues = fromZod(query.error)
      return errorResponse(400, 'invalid_query', `Failed to read the query: ${summarize(issues)}.`,
        'Pass ?account=<account id>.', { issues })
    }
    const states = await deps.store.accountState(query.data.account)
    const rules = deps.rules.current()
    const triggers = Object.fromEntries(states.map((state) => [state.trigger, sharedState(state, rules)]))
    return c.json({ account: query.data.account, triggers }, 200, { 'cache-control': 'no-store' })
  })
}

/** Snooze length when the trigger sets no `snooze_on_dismiss` (the SDK uses the same). */
export const DEFAULT_SNOOZE_MS = 86_400_000

/**
 * The state in the SDK's terms (`TriggerState` fields). As in the SDK, a dismissal snoozes for the trigger's
 * `snooze_on_dismiss` (when set) and a snooze for that or one day, from the current rules.
 */
function sharedState(state: AccountTriggerState, rules: CompiledRules): Record<string, number> {
  const out: Record<string, number> = { impressions: state.impressions }
  if (state.lastShownAt !== null) out.lastShownAt = state.lastShownAt
  if (state.dismissedAt !== null) out.dismissedAt = state.dismissedAt
  if (state.acceptedAt !== null) out.acceptedAt = state.acceptedAt
  const snoozeMs = rules.triggers.find((t) => t.id === state.trigger)?.frequency.snoozeOnDismissMs
  const until = [
    state.dismissedAt !== null && snoozeMs !== undefined ? state.dismissedAt + snoozeMs : undefined,
    state.snoozedAt !== null ? state.snoozedAt + (snoozeMs ?? DEFAULT_SNOOZE_MS) : undefined,
  ].filter((value) => value !== undefined)
  if (until.length > 0) out.snoozedUntil = Math.max(...until)
  return out
}
