/// <reference lib="es2024.string" />
// Request schemas of the HTTP API (zod): what the handler validates, in words that name the field, and what openapi.json describes.
import { z } from 'zod'
import { EVENT_TYPES } from '../store/types.ts'
import { HOLDOUT_VARIANT_TYPES, typeProblems, typesNeeding } from './event-fields.ts'

const DAY_MS = 86_400_000
/** Oldest and newest event time accepted, relative to the server clock (offline queues, skewed clocks). */
export const EVENT_MAX_AGE_MS = 30 * DAY_MS
export const EVENT_MAX_FUTURE_MS = DAY_MS
/** Longest id or name (account, user, trigger, …) after trimming. */
export const NAME_MAX_LENGTH = 200
/** Largest |mrr_delta| of a conversion: far above any real monthly amount, far below what sums could overflow. */
export const MRR_DELTA_LIMIT = 1_000_000_000
/** Earliest conversion time (2000-01-01T00:00:00Z): anything older is a time in seconds sent as milliseconds, or junk. */
export const EARLIEST_CONVERSION_TS = Date.UTC(2000, 0, 1)
/** The latest time a JavaScript `Date` can hold (year 275760): a later `ts` is out of any range the routes accept. */
export const LATEST_TS = 8.64e15
/** A timestamp in the documented ISO 8601 form, for messages. */
const ISO_EXAMPLE = '2026-11-23T12:00:00Z'
const PLACEMENTS = ['banner', 'modal', 'toast', 'inline'] as const

/**
 * Why a string cannot be stored, or undefined when it can. PostgreSQL refuses NUL and unpaired surrogates in
 * text and jsonb (and SQLite cuts text at a NUL), so they are refused at the door rather than by the database.
 * @example textProblem('a\u0000b') // 'contains a NUL character (\\u0000)'
 */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000)'
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode'
  return undefined
}

/**
 * The first string in a JSON value (object keys included, at any depth) that cannot be stored: its path and what
 * is wrong, or undefined. Iterative, so a deeply nested value cannot overflow the stack.
 * @example findTextProblem({ tags: ['ok', '\ud800'] }) // { path: ['tags', 1], text: '\ud800', message: 'contains an unpaired …' }
 */
export function findTextProblem(value: unknown): { path: PropertyKey[]; text: string; message: string } | undefined {
  interface Step { value: unknown; key?: PropertyKey; parent?: Step }
  const pathOf = (step: Step): PropertyKey[] => {
    const path: PropertyKey[] = []
    for (let at: Step | undefined = step; at?.parent; at = at.parent) path.push(at.key!)
    return path.reverse()
  }
  const stack: Step[] = [{ value }]
  while (stack.length > 0) {
    const step = stack.pop()!
    const current = step.value
    if (typeof current === 'string') {
      const problem = textProblem(current)
      if (problem) return { path: pathOf(step), text: current, message: problem }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], key: index, parent: step })
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current)
      for (const [key] of entries) {
        const problem = textProblem(key)
        if (problem) return { path: pathOf(step), text: key, message: `key ${JSON.stringify(key)} ${problem}` }
      }
      for (let index = entries.length - 1; index >= 0; index--) stack.push({ value: entries[index]![1], key: entries[index]![0], parent: step })
    }
  }
  return undefined
}

/** "is required" for a missing field, else `otherwise`: zod's own words ("expected string, received undefined") mean little to a client. */
const required = (field: string, otherwise: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${field} is required` : otherwise

/** An id or name: a string, trimmed, 1 to 200 characters, storable. */
function name(field: string) {
  return z
    .string({ error: required(field, `${field} must be a string`) })
    .trim()
    .min(1, { error: `${field} is empty` })
    .max(NAME_MAX_LENGTH, { error: `${field} is longer than ${NAME_MAX_LENGTH} characters` })
    .superRefine((text, ctx) => {
      const problem = textProblem(text)
      if (problem) ctx.addIssue({ code: 'invalid_format', format: 'text', input: text, message: `${field} ${problem}` })
    })
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** What is wrong with an id that is not a UUIDv7: a UUID of another version is named as one (its text is safe to echo). */
function uuidv7Message(issue: { input?: unknown }): string {
  if (issue.input === undefined) return 'id is required'
  if (typeof issue.input !== 'string') return 'id must be a string (a UUIDv7)'
  const version = UUID.exec(issue.input)?.[1]
  return version === undefined
    ? 'id must be a UUIDv7, e.g. 0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b'
    : `id '${issue.input}' is a version ${version} UUID (or has a non-RFC variant); a UUIDv7 is required`
}

/** "Required for usage events." for a field some event types need. */
const requiredFor = (field: string) => `Required for ${typesNeeding(field).join(', ')} events.`

/**
 * What is wrong with a `ts` number zod refuses, worded from the value rather than the check that failed (zod's
 * integer check also refuses numbers past 2^53 and negative ones): out of range, negative, or a fraction.
 */
function tsMessage(issue: { input?: unknown }): string {
  const ts = issue.input as number
  if (ts > LATEST_TS) return `ts ${ts} is out of range: more than 1 day after the server time`
  if (ts < 0) return 'ts must be epoch milliseconds, not a negative number'
  return 'ts must be a whole number of epoch milliseconds'
}

/** One event of `POST /v1/events`. Unknown keys are dropped so newer SDKs keep working. */
export const eventSchema = z
  .object({
    id: z.uuidv7({ error: uuidv7Message }).describe('Client-made UUIDv7; the server counts each (key, id) once.'),
    type: z.enum(EVENT_TYPES, { error: required('type', `type must be one of: ${EVENT_TYPES.join(', ')}`) }),
    ts: z
      .number({ error: required('ts', 'ts must be a number of epoch milliseconds') })
      .int({ error: tsMessage, abort: true })
      .nonnegative({ error: tsMessage })
      .max(LATEST_TS, { error: tsMessage })
      .describe(`Epoch milliseconds when the event happened; at most ${EVENT_MAX_AGE_MS / DAY_MS} days before and ${EVENT_MAX_FUTURE_MS / DAY_MS} day after the server time.`),
    account: name('account'),
    user: name('user'),
    trigger: name('trigger').optional().describe(requiredFor('trigger')),
    variant: name('variant').optional()
      .describe(`The experiment arm of the prompt ('default' without an experiment); 'holdout' only on ${HOLDOUT_VARIANT_TYPES.join(' and ')} events.`),
    placement: z.enum(PLACEMENTS, { error: `placement must be one of: ${PLACEMENTS.join(', ')}` }).optional(),
    metric: name('metric').optional().describe(requiredFor('metric')),
    value: z.number({ error: 'value must be a finite number' }).optional().describe(requiredFor('value')),
    feature: name('feature').optional().describe(requiredFor('feature')),
    event: name('event').optional().describe(`The name of what happened. ${requiredFor('event')}`),
    props: z
      .record(z.string(), z.unknown(), { error: 'props must be an object' })
      .superRefine((props, ctx) => {
        const found = findTextProblem(props)
        if (found) {
          const where = found.path.length > 0 ? `props.${found.path.map(String).join('.')}` : 'props'
          ctx.addIssue({ code: 'invalid_format', format: 'text', input: found.text, path: found.path, message: `${where} ${found.message}` })
        }
      })
      .optional()
      .describe('Free-form JSON; every string in it (keys included) must be free of NUL and unpaired surrogates.'),
  }, { error: 'event must be a JSON object' })
  .superRefine((event, ctx) => {
    for (const { code, field, message, hint } of typeProblems(event)) {
      ctx.addIssue({ code: 'custom', path: [field], message, params: { code, hint } })
    }
  })
  .describe(
    `Strings are trimmed, 1 to ${NAME_MAX_LENGTH} characters, and may not hold a NUL character or an unpaired ` +
      `UTF-16 surrogate (nor may any string or key in props). ${typesNeeding('trigger').join(', ')} events need ` +
      '`trigger`, track events `event`, usage events `metric` and `value`, gate_hit events `feature`; a holdout ' +
      "event's `variant` is 'holdout' or absent, and only holdout and eligible events may have the 'holdout' variant. " +
      'An invalid event is answered in `rejected` and the rest of the batch is kept.',
  )

/**
 * The body of `POST /v1/events`. Only `events` decides whether the batch is read: `key` and `dropped` are metadata,
 * checked one by one and ignored with a warning when malformed, so valid events are never lost to them.
 */
export const eventBatchSchema = z
  .object({
    events: z
      .array(z.unknown(), { error: required('events', 'events must be an array of events') })
      .min(1, { error: 'events is empty' })
      .describe('At most 500 events (the server\'s limits.maxEventsPerBatch), each at most 8 KB as JSON.'),
    key: z.string({ error: 'key must be a string' }).optional()
      .describe('Publishable key, for clients that cannot send an Authorization header.'),
    dropped: z
      .number({ error: 'dropped must be a number' })
      .int({ error: 'dropped must be a whole number' })
      .nonnegative({ error: 'dropped must not be negative' })
      .optional()
      .describe('Events the client dropped before sending.'),
  }, { error: 'the body must be a JSON object: { "events": [...] }' })

/** How `ts` may be sent, for messages. */
const TS_FORMS = `epoch milliseconds or an ISO 8601 time with an offset, e.g. ${ISO_EXAMPLE}`
// zod words a union's failure itself when no branch takes the input (a fraction is not an int; the int check
// aborts the number branch), else the branch that does; both need words.
const LIMIT_TEXT = MRR_DELTA_LIMIT.toLocaleString('en-US')
const mrrDeltaRange = (issue: { input?: unknown }) => `mrr_delta ${String(issue.input)} is outside -${LIMIT_TEXT} to ${LIMIT_TEXT}`

/** The body of `POST /v1/conversions`. */
export const conversionSchema = z
  .object({
    id: name('id').describe('Idempotency key, e.g. the billing event id; a repeated id with the same body is recorded once, with another body it is refused (409).'),
    account: name('account'),
    to: name('to').describe('The plan or add-on id the account moved to.'),
    from: name('from').optional().describe('The plan the account left; default: the plan below `to` on the ladder.'),
    mrr_delta: z
      .number({ error: 'mrr_delta must be a number' })
      .min(-MRR_DELTA_LIMIT, { error: mrrDeltaRange })
      .max(MRR_DELTA_LIMIT, { error: mrrDeltaRange })
      .optional()
      .describe(`Monthly amount the upgrade adds (negative for a downgrade), from -${LIMIT_TEXT} to ${LIMIT_TEXT}; default: \`to\`'s monthly price minus \`from\`'s.`),
    ts: z
      .union([
        // The route refuses times before EARLIEST_CONVERSION_TS with a hint about seconds; the meta documents it.
        z.number().int({ error: tsMessage, abort: true }).nonnegative({ error: tsMessage }).max(LATEST_TS, { error: tsMessage })
          .meta({ minimum: EARLIEST_CONVERSION_TS }),
        z.iso.datetime({ offset: true, error: `ts must be an ISO 8601 time with an offset, e.g. ${ISO_EXAMPLE}` }),
      ], { error: (issue) => (typeof issue.input === 'number' ? tsMessage(issue) : `ts must be ${TS_FORMS}`) })
      .optional()
      .describe(`When the upgrade happened, as ${TS_FORMS}; from 2000-01-01 to 1 day after the server time; default: now.`),
  }, { error: 'the body must be a JSON object' })

/** The query of `GET /v1/state`. */
export const stateQuerySchema = z.object({ account: name('account') })

/** The query of `GET /v1/stats`: the trigger is read with this schema by `parseStatsQuery`, the days by `parseDay`. */
export const statsQuerySchema = z
  .object({
    from: z.iso.date().optional().describe('First UTC day, inclusive; default 29 days before `to`.'),
    to: z.iso.date().optional().describe('Last UTC day, inclusive; default today (or `from`, when that is later).'),
    trigger: name('trigger').optional().describe('Only this trigger id (trimmed); default: every trigger.'),
  })

export type EventInput = z.infer<typeof eventSchema>
export type ConversionBody = z.infer<typeof conversionSchema>
