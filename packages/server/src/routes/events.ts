// POST /v1/events: validate each event, keep the valid ones, commit them with their routed webhooks, then answer 202.
import type { Hono } from 'hono'
import { authorize, bearerKey, unreadableHeader } from '../middleware/auth/index.ts'
import type { RouteDeps } from '../http/deps.ts'
import { keyFingerprint } from '../keys.ts'
import type { AppEnv } from '../http/env.ts'
import { errorResponse, fromZod, summarize, type RequestIssue, isErrorResponse } from '../http/errors.ts'
import { parseEventFast } from '../http/event-fast-path.ts'
import { HOLDOUT_VARIANT_TYPES } from '../http/event-fields.ts'
import { readJson } from '../http/json-body.ts'
import { EVENT_MAX_AGE_MS, EVENT_MAX_FUTURE_MS, eventBatchSchema, eventSchema, type EventInput } from '../http/schemas.ts'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { NudgeEvent, TriggerArm } from '../store/types.ts'

const DAY_MS = 86_400_000
/** The part of the body that decides whether the batch is read; the metadata is checked field by field. */
const batchEvents = eventBatchSchema.pick({ events: true })
const METADATA_HINTS = {
  key: 'Send the publishable key as a string, or only in the Authorization header.',
  dropped: 'Send dropped as a whole number of events, or leave it out.',
} as const

export interface Rejection {
  index: number
  /** One line: the first problem. */
  error: string
  issues: RequestIssue[]
}


/** Registers `POST /v1/events`. */
export function eventsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  // Fingerprints of the keys seen, each a known publishable key (checked before use), so the map stays small.
  const sources = new Map<string, string>()
  const known = knownTriggers(() => deps.store.recordedArms())
  app.post('/v1/events', async (c) => {
    // A header key is checked before the body is read, so a wrong key is a 401 whatever the body; only
    // sendBeacon's requests, which cannot set headers, carry the key in the body.
    const header = c.req.header('authorization')
    let key = bearerKey(header)
    if (key !== undefined) {
      const kind = authorize(deps.keyring, key, 'publishable')
      if (isErrorResponse(kind)) return kind
    }
    const body = await readJson(c, true)
    if (isErrorResponse(body)) return body
    if (key === undefined) {
      const bodyKey = (body as { key?: unknown } | null)?.key
      if (typeof bodyKey !== 'string' && header?.trim()) return unreadableHeader(header)
      if (bodyKey !== undefined && typeof bodyKey !== 'string') {
        return errorResponse(401, 'missing_key', `Failed to authenticate: "key" in the body must be a string, not ${kindOf(bodyKey)}.`,
          'Send the publishable key as a string, e.g. { "key": "pk_live_…", "events": [...] }, or as "Authorization: Bearer <key>".')
      }
      key = typeof bodyKey === 'string' ? bodyKey : ''
      const kind = authorize(deps.keyring, key, 'publishable',
        'Send the key as "Authorization: Bearer <key>", or as "key" in the JSON body (sendBeacon cannot set headers).')
      if (isErrorResponse(kind)) return kind
    }
    const batch = batchEvents.safeParse(body)
    if (!batch.success) {
      const issues = fromZod(batch.error)
      return errorResponse(400, 'invalid_batch', `Failed to read the batch: ${summarize(issues)}.`,
        `Send { "events": [...] } with 1 to ${deps.limits.maxEventsPerBatch} events.`, { issues })
    }
    const { maxEventsPerBatch } = deps.limits
    if (batch.data.events.length > maxEventsPerBatch) {
      const issues = [{ code: 'too_big', path: 'events', message: `${batch.data.events.length} events; at most ${maxEventsPerBatch} are accepted` }]
      return errorResponse(400, 'invalid_batch', `Failed to read the batch: ${summarize(issues)}.`,
        'Split it into smaller batches.', { issues })
    }

    const now = deps.now()
    const variantsOf = known.serve(deps.rules.current())
    const valid: NudgeEvent[] = []
    const rejected: Rejection[] = []
    // Events the served rules do not know, checked again once the store's arms are known too.
    const unsure: Array<{ index: number; event: NudgeEvent }> = []
    const reject = (index: number, issues: RequestIssue[]) => rejected.push({ index, error: summarize(issues), issues })
    batch.data.events.forEach((raw, index) => {
      const serialized = serialize(raw)
      if (serialized === undefined) return reject(index, [tooDeep(raw, index)])
      if (Buffer.byteLength(serialized) > deps.limits.maxEventBytes) {
        return reject(index, [{ code: 'too_big', path: `events.${index}`, message: `event is larger than ${deps.limits.maxEventBytes} bytes`, hint: 'Move large data out of props.' }])
      }
      // The fast path's event has no undefined fields, so only zod's output needs normalising.
      let event = parseEventFast(raw) as NudgeEvent | undefined
      if (event === undefined) {
        const parsed = eventSchema.safeParse(raw)
        if (!parsed.success) return reject(index, fromZod(parsed.error, ['events', index]))
        event = normalise(parsed.data)
      }
      if (event.ts < now - EVENT_MAX_AGE_MS || event.ts > now + EVENT_MAX_FUTURE_MS) {
        return reject(index, [{
          code: 'ts_out_of_range',
          path: `events.${index}.ts`,
          message: `ts ${new Date(event.ts).toISOString()} is more than ${EVENT_MAX_AGE_MS / DAY_MS} days before or ${EVENT_MAX_FUTURE_MS / DAY_MS} day after the server time`,
          hint: 'Send epoch milliseconds from a clock that is roughly right.',
        }])
      }
      const problem = event.trigger === undefined ? undefined : unknownTrigger(event, index, variantsOf(event.trigger))
      if (problem && !known.recalled) return void unsure.push({ index, event })
      if (problem) return reject(index, [problem])
      valid.push(event)
    })
    if (unsure.length > 0) {
      // Once per process, and only when an event needs it. A store that is down answers 503 (the batch is sent
      // again), rather than refusing events the store may know: the next batch reads it again.
      await known.recall()
      for (const { index, event } of unsure) {
        const problem = unknownTrigger(event, index, variantsOf(event.trigger!))
        if (problem) reject(index, [problem])
        else valid.push(event)
      }
      rejected.sort((a, b) => a.index - b.index)
    }

    let source = sources.get(key)
    if (source === undefined) sources.set(key, (source = keyFingerprint(key)))
    // Routed webhooks are enqueued in the ingest's transaction: a 202 means each is in the outbox (or deduped).
    const router = deps.webhooks()
    const result = valid.length > 0
      ? await deps.store.ingest(source, valid, router && { route: router.deliveriesFor })
      : { accepted: [], duplicates: 0 }
    if (result.enqueued) router?.wake()
    if (rejected.length > 0) {
      deps.logger.warn('events rejected', { request_id: c.get('requestId'), rejected: rejected.length, first: rejected[0]!.error })
    }
    const { dropped, warnings } = readMetadata(body as Record<string, unknown>)
    if (dropped) deps.logger.warn('client dropped events', { request_id: c.get('requestId'), dropped })
    if (warnings.length > 0) {
      deps.logger.warn('batch metadata ignored', { request_id: c.get('requestId'), first: summarize(warnings) })
    }
    return c.json({ accepted: result.accepted.length, duplicates: result.duplicates, rejected,
      ...(warnings.length > 0 ? { warnings } : {}) }, 202)
  })
}

/** The arms of the triggers known to a server: see `knownTriggers`. */
export interface KnownTriggers {
  /**
   * The lookup of trigger id → arms, the arms of `rules` added first (read again only when their hash changes). The
   * lookup stays live: arms added later, by other rules or by `recall`, show in it.
   */
  serve(rules: CompiledRules): (trigger: string) => ReadonlySet<string> | undefined
  /** True once the store's arms were added. */
  readonly recalled: boolean
  /**
   * Adds the arms the store recorded, on the first call that succeeds; calls made while a read is under way share it,
   * and one that fails (the store is down) rejects, leaving the next call to read again.
   */
  recall(): Promise<void>
}

/**
 * Trigger ids → their arms (variant names, and `holdout` once some version held accounts out of it): those of every
 * rules version this server has served since it started, and those of the exposures the store holds (`recorded`:
 * `Store.recordedArms`), which are arms of versions served before, by this process before a restart or by another
 * instance on the same database. So a page that showed a prompt from cached rules before an edit removed its trigger or
 * arm still has its events counted, here or after a restart, while ids no rules file ever had (a typo in a custom
 * integration) and holdout exposures of a trigger that never had a holdout (forged to take conversion credit, or to
 * make a lift appear) are refused. The store is read once, when a batch first has an event the served rules do not
 * know: an arm that no rules served by this process had, and that no account had been shown or held out of by then, is
 * not known, so its events are refused (sent only by a page still on older rules that first exposed an account to it
 * after that read).
 * @example const known = knownTriggers(() => store.recordedArms()); known.serve(rules)('contacts-80') // Set { 'a', 'b', 'holdout' }
 */
export function knownTriggers(recorded: () => Promise<readonly TriggerArm[]>): KnownTriggers {
  const triggers = new Map<string, Set<string>>()
  const hashes = new Set<string>()
  const lookup = (trigger: string) => triggers.get(trigger)
  const add = (trigger: string, arm: string) => {
    const arms = triggers.get(trigger)
    if (arms) arms.add(arm)
    else triggers.set(trigger, new Set([arm]))
  }
  let recalled = false
  let reading: Promise<void> | undefined
  return {
    serve(rules) {
      if (!hashes.has(rules.hash)) {
        hashes.add(rules.hash)
        for (const { id, arms, holdoutPercent } of rules.triggers) {
          for (const arm of arms) add(id, arm.name)
          if (holdoutPercent > 0) add(id, 'holdout')
        }
      }
      return lookup
    },
    get recalled() {
      return recalled
    },
    recall() {
      reading ??= recorded().then((arms) => {
        for (const { trigger, variant } of arms) add(trigger, variant)
        recalled = true
      }, (error: unknown) => {
        reading = undefined
        throw error
      })
      return reading
    },
  }
}

/**
 * The issue of an event whose trigger, or arm of it, no served rules have had; undefined when known. The schema
 * has checked that a `holdout` event's variant is `holdout` or absent, and that no other event but `eligible`
 * names the `holdout` arm.
 */
function unknownTrigger(event: NudgeEvent, index: number, variants: ReadonlySet<string> | undefined): RequestIssue | undefined {
  const { trigger, type, variant } = event
  if (!variants) {
    return { code: 'unknown_trigger', path: `events.${index}.trigger`, message: `trigger '${trigger}' is not in the rules this server serves`,
      hint: 'Send the trigger id of a prompt from $prompts or gate(); GET /v1/rules lists them.' }
  }
  const arm = type === 'holdout' ? 'holdout' : variant
  // The arms this event could name: the holdout only where the schema allows it.
  const arms = [...variants].filter((name) => name !== 'holdout' || HOLDOUT_VARIANT_TYPES.includes(type)).join(', ')
  if (arm === 'holdout' && !variants.has(arm)) {
    return { code: 'unknown_variant', path: `events.${index}.${variant === undefined ? 'type' : 'variant'}`,
      message: `trigger '${trigger}' has no holdout in the rules this server serves, only: ${arms}`,
      hint: "Send 'holdout' events, and the 'holdout' variant, only for accounts the SDK held out of an experiment with a holdout." }
  }
  // Without an arm the rollups would count the event in the 'default' arm, which an experiment does not have.
  if (arm === undefined ? !variants.has('default') : !variants.has(arm)) {
    return { code: 'unknown_variant', path: `events.${index}.variant`,
      message: arm === undefined
        ? `variant is missing, and trigger '${trigger}' runs an experiment: ${arms}`
        : `variant '${arm}' is not one of trigger '${trigger}': ${arms}`,
      hint: "Send the account's arm as the SDK does: prompt.variant (the experiment's variant name, 'default' without one), or 'holdout' on a held-out account's eligible event." }
  }
  return undefined
}

/**
 * The batch's `dropped` count, and a warning for each metadata field that is malformed and so ignored: a bad
 * `key` or `dropped` must not cost the client its events (the SDK drops a batch answered with a 4xx).
 */
function readMetadata(body: Record<string, unknown>): { dropped: number | undefined; warnings: RequestIssue[] } {
  const { shape } = eventBatchSchema
  const dropped = shape.dropped.safeParse(body.dropped)
  const checked = [['key', shape.key.safeParse(body.key)], ['dropped', dropped]] as const
  const warnings = checked.flatMap(([field, result]) => result.success ? [] : [{
    code: 'ignored_field', path: field, message: `${result.error.issues[0]!.message}; it was ignored`, hint: METADATA_HINTS[field],
  }])
  return { dropped: dropped.success ? dropped.data : undefined, warnings }
}

/** The event as JSON, or undefined when it is nested too deeply to serialise (a hostile body). */
function serialize(raw: unknown): string | undefined {
  try {
    return JSON.stringify(raw) ?? ''
  } catch {
    return undefined
  }
}

/** The issue of an event too deeply nested to serialise, at the field that holds the nesting when one alone does. */
function tooDeep(raw: unknown, index: number): RequestIssue {
  const fields = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Object.entries(raw) : []
  const field = fields.find(([, value]) => serialize(value) === undefined)?.[0]
  const issue = (path: string, what: string, hint: string) =>
    ({ code: 'too_deep', path: `events.${index}${path}`, message: `${what} is nested too deeply to read`, hint })
  if (field === 'props') return issue('.props', 'props', 'Keep props flat: a few levels of nesting at most.')
  if (field !== undefined) {
    return issue(`.${field}`, field, `Only props holds nested data: send ${field} as GET /v1/openapi.json describes, or leave it out.`)
  }
  return issue('', 'event', Array.isArray(raw) ? 'Send each event as a JSON object.' : 'Only props holds nested data, a few levels at most.')
}

/** `null`, `an array`, or the article and type of another JSON value, for messages. */
function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/** The stored shape: no undefined fields, so both stores see the same object. */
function normalise(event: EventInput): NudgeEvent {
  const out: Record<string, unknown> = {}
  for (const name in event) {
    const value = event[name as keyof EventInput]
    if (value !== undefined) out[name] = value
  }
  return out as unknown as NudgeEvent
}
