// Request schemas of the HTTP API (zod): what the handler validates and what openapi.json describes.
import { z } from 'zod'
import { EVENT_TYPES } from '../store/types.ts'

const name = z.string().trim().min(1).max(200)

/** Event types that belong to a trigger's prompt and so must name the trigger. */
export const TRIGGER_EVENT_TYPES: ReadonlySet<string> = new Set([
  'impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible',
])

/** One event of `POST /v1/events`. Unknown keys are dropped so newer SDKs keep working. */
export const eventSchema = z
  .object({
    id: z.uuidv7().describe('Client-made UUIDv7; the server counts each (key, id) once.'),
    type: z.enum(EVENT_TYPES),
    ts: z.number().int().nonnegative().describe('Epoch milliseconds when the event happened.'),
    account: name,
    user: name,
    trigger: name.optional(),
    variant: name.optional(),
    placement: z.enum(['banner', 'modal', 'toast', 'inline']).optional(),
    metric: name.optional(),
    value: z.number().finite().optional(),
    feature: name.optional(),
    event: name.optional().describe('The event name of a `track` event.'),
    props: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((event, ctx) => {
    if (TRIGGER_EVENT_TYPES.has(event.type) && event.trigger === undefined) {
      ctx.addIssue({ code: 'custom', path: ['trigger'], message: `a '${event.type}' event needs the trigger id` })
    }
  })


/** The body of `POST /v1/events`; `key` is the sendBeacon path's publishable key (text/plain, no header). */
export const eventBatchSchema = z
  .object({
    events: z.array(z.unknown()).min(1).describe('At most 500 events (the server\'s limits.maxEventsPerBatch), each at most 8 KB as JSON.'),
    key: z.string().optional().describe('Publishable key, for clients that cannot send an Authorization header.'),
    dropped: z.number().int().nonnegative().optional().describe('Events the client dropped before sending.'),
  })


/** The body of `POST /v1/conversions`. */
export const conversionSchema = z
  .object({
    id: name.describe('Idempotency key, e.g. the billing event id; a repeated id is recorded once.'),
    account: name,
    to: name.describe('The plan or add-on id the account moved to.'),
    from: name.optional().describe('The plan the account left; default: the plan below `to` on the ladder.'),
    mrr_delta: z.number().finite().optional().describe("Default: `to`'s monthly price minus `from`'s."),
    ts: z
      .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
      .optional()
      .describe('Epoch milliseconds or ISO 8601 time of the upgrade; default: now.'),
  })


/** The query of `GET /v1/state`. */
export const stateQuerySchema = z.object({ account: name })

/** The query of `GET /v1/stats` (parsed by `parseStatsQuery`; described here for openapi.json). */
export const statsQuerySchema = z
  .object({
    from: z.iso.date().optional().describe('First UTC day, inclusive; default 29 days before `to`.'),
    to: z.iso.date().optional().describe('Last UTC day, inclusive; default today.'),
    trigger: name.optional(),
  })


export type EventInput = z.infer<typeof eventSchema>
export type ConversionBody = z.infer<typeof conversionSchema>
