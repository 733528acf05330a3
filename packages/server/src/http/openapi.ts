// GET /v1/openapi.json: the API described as OpenAPI 3.1, request bodies generated from the zod schemas.
import { z } from 'zod'
import type { EventType } from '../store/types.ts'
import { HOLDOUT_VARIANT_TYPES, REQUIRED_FIELDS } from './event-fields.ts'
import { conversionSchema, eventBatchSchema, eventSchema, stateQuerySchema, statsQuerySchema } from './schemas.ts'

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
const registry = z.registry<{ id: string }>()
registry.add(eventSchema, { id: 'Event' }).add(eventBatchSchema, { id: 'EventBatch' }).add(conversionSchema, { id: 'Conversion' })
/** Component schemas: OpenAPI takes them without `$schema`/`$id`; batch items are validated one by one as Events. */
const bodies = Object.fromEntries(
  Object.entries(z.toJSONSchema(registry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }).schemas)
    .map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
)
bodies.EventBatch!.properties!.events = { ...bodies.EventBatch!.properties!.events as object, items: { $ref: '#/components/schemas/Event' } }
// The superRefine of eventSchema, in JSON Schema terms: the fields each type needs (types that need the same ones
// together), and where the 'holdout' variant may go.
type JsonSchema = z.core.JSONSchema.JSONSchema
const whenType = (types: string[], then: JsonSchema): JsonSchema => ({ if: { properties: { type: { enum: types } }, required: ['type'] }, then })
const typesByFields = new Map<string, EventType[]>()
for (const [type, fields] of Object.entries(REQUIRED_FIELDS) as [EventType, object][]) {
  const key = Object.keys(fields).join()
  typesByFields.set(key, [...(typesByFields.get(key) ?? []), type])
}
bodies.Event!.allOf = [
  ...[...typesByFields].map(([fields, types]) => whenType(types, { required: fields.split(',') })),
  whenType(['holdout'], { properties: { variant: { const: 'holdout' } } }),
  { if: { properties: { type: { not: { enum: [...HOLDOUT_VARIANT_TYPES] } } }, required: ['type'] },
    then: { properties: { variant: { not: { const: 'holdout' } } } } },
]

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` })
const answer = (description: string, schema: object = ref('Error')) => ({ description, content: { 'application/json': { schema } } })
const errors = {
  400: answer('Malformed request; `error.issues` lists each problem (code, path, message).'),
  401: answer('No key, or a key that is not configured.'),
  413: answer('Body over 512 KB.'),
  415: answer('A Content-Type other than JSON, or a compressed body (any Content-Encoding but identity).'),
  429: answer('Rate limited; retry after `Retry-After` seconds.'),
  503: answer('The store is unreachable; retry after `Retry-After` seconds.'),
  403: answer('A publishable key on a secret-key route.'),
}
type Status = keyof typeof errors
const pick = (...statuses: Status[]) => Object.fromEntries(statuses.map((status) => [status, errors[status]]))
/** The 400 of a route that reads a JSON body. */
const badBody = answer('Malformed body: bytes that are not UTF-8 (`invalid_encoding`), text that is not JSON (`invalid_json`), or fields that are wrong; `error.issues` lists each problem (code, path, message).')
const queryParameters = (schema: z.ZodObject) => {
  const { properties = {}, required = [] } = json(schema)
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
  }))
}

const string = { type: 'string' }
const integer = { type: 'integer', minimum: 0 }
const number = { type: 'number' }
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] })
const interval = { type: 'array', items: number, minItems: 2, maxItems: 2 }
const dateTime = { type: 'string', format: 'date-time' }
const object = (properties: Record<string, object>, optional: string[] = []) => ({
  type: 'object',
  required: Object.keys(properties).filter((name) => !optional.includes(name)),
  properties,
})
const issue = object({ code: string, path: string, message: string, hint: string }, ['hint'])

/** Answer bodies, written out: the routes build them from store results rather than parse them. */
const answers = {
  Issue: issue,
  Error: object({ error: object({ code: string, message: string, hint: string, issues: { type: 'array', items: ref('Issue') } }, ['hint', 'issues']) }),
  EventsAnswer: object({
    accepted: integer,
    duplicates: integer,
    rejected: { type: 'array', items: object({ index: integer, error: string, issues: { type: 'array', items: ref('Issue') } }) },
    warnings: { type: 'array', items: ref('Issue'), description: 'Batch metadata (`key`, `dropped`) that was malformed and ignored; present only when there is some.' },
  }, ['warnings']),
  ConversionAnswer: object({
    id: string, account: string, to: string, mrr_delta: number, ts: dateTime,
    credited: nullable(object({ trigger: string, variant: string, exposed_at: dateTime })),
    duplicate: { type: 'boolean' },
    warnings: { type: 'array', items: ref('Issue'), description: 'Present only when there is some: `unknown_target` when `to` is neither a plan nor an add-on of the rules and the conversion was recorded with the `mrr_delta` sent (a legacy plan, or a typo); `unknown_plan` likewise for a `from` that is no plan of the rules.' },
  }, ['warnings']),
  State: object({
    account: string,
    triggers: {
      type: 'object',
      additionalProperties: object({ impressions: integer, lastShownAt: integer, dismissedAt: integer, snoozedUntil: integer, acceptedAt: integer },
        ['lastShownAt', 'dismissedAt', 'snoozedUntil', 'acceptedAt']),
      description: 'Per trigger id; times are epoch milliseconds.',
    },
  }),
  StatsRow: object({
    trigger: string, variant: string, impressions: integer, accounts_reached: integer, clicks: integer, dismissals: integer,
    snoozes: integer, upgrade_requests: integer, conversions: integer, conversion_rate: number, conversion_rate_ci: interval,
    reached_conversions: integer, reached_conversion_rate: number, holdout_rate: nullable(number), lift: nullable(number), lift_ci: nullable(interval), p_value: nullable(number),
    expansion_mrr: number, median_days_to_convert: nullable(number), holdout_accounts: integer, holdout_conversions: integer,
  }),
  Stats: object({ from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, rows: { type: 'array', items: ref('StatsRow') } }),
  Forecast: object({
    generated_at: dateTime, eligible_since: dateTime, rates_since: dateTime, expected_mrr: number,
    rows: { type: 'array', items: object({ trigger: string, eligible_accounts: integer, conversion_rate: number, mrr_delta: number, expected_mrr: number }) },
  }),
}

/** An HTML answer. */
const html = (description: string) => ({ description, content: { 'text/html': { schema: string } } })

/**
 * The OpenAPI document of the HTTP API (version 1: the `/v1/` routes).
 * @example const spec = openApiDocument(); spec.paths['/v1/events']
 */
export function openApiDocument(): Record<string, unknown> {
  const pk = [{ publishableKey: [] }]
  const sk = [{ secretKey: [] }]
  return {
    openapi: '3.1.0',
    info: { title: 'nudgekit', version: '1.0.0', description: 'Rules, event ingest, conversions and stats of a nudgekit server.' },
    components: {
      securitySchemes: {
        publishableKey: { type: 'http', scheme: 'bearer', description: 'The publishable key, pk_…: rules, state and events.' },
        secretKey: { type: 'http', scheme: 'bearer', description: 'The secret key, sk_…: conversions, stats, forecast and the dashboard; it also works wherever the publishable key does (a server-side client), with events deduplicated per key.' },
      },
      schemas: { ...bodies, ...answers },
    },
    paths: {
      '/v1/rules': {
        get: { summary: 'Compiled rules for the browser (ETag; 304 on If-None-Match)', security: pk,
          responses: { 200: { description: 'The compiled rules' }, 304: { description: 'Unchanged' }, ...pick(401, 429, 503) } },
      },
      '/v1/state': {
        get: { summary: "An account's exposure state per trigger", security: pk, parameters: queryParameters(stateQuerySchema),
          responses: { 200: answer('The state', ref('State')), ...pick(400, 401, 429, 503) } },
      },
      '/v1/events': {
        post: {
          summary: 'Record a batch of events (the key may be in the body for sendBeacon, sent as text/plain)',
          security: pk,
          requestBody: { required: true, content: {
            'application/json': { schema: ref('EventBatch') },
            'text/plain': { schema: ref('EventBatch') },
          } },
          responses: {
            202: answer('After commit; each event is validated against the Event schema, and an invalid one is listed in `rejected`, as is one whose `trigger`, or `variant` of it, no rules served since the server started had, nor the exposures stored (`unknown_trigger`, `unknown_variant`): `holdout` is a variant only of a trigger some served rules held accounts out of, or with stored holdout exposures, so a `holdout` event or `holdout` variant of another trigger is rejected; and an event of an experiment\'s trigger without its `variant`, but for `holdout` events (`unknown_variant`)', ref('EventsAnswer')),
            400: badBody,
            ...pick(401, 413, 415, 429, 503),
          },
        },
      },
      '/v1/conversions': {
        post: { summary: "An upgrade confirmed by billing, credited to the account's last exposure", security: sk,
          requestBody: { required: true, content: { 'application/json': { schema: ref('Conversion') } } },
          responses: {
            201: answer('Recorded; `credited` names the trigger and variant, `warnings` a `to` or `from` the rules lack (`unknown_target`, `unknown_plan`)', ref('ConversionAnswer')),
            200: answer('Already recorded with the same body (same id): the recorded conversion', ref('ConversionAnswer')),
            409: answer('The id was recorded with another account, to, from, mrr_delta or ts (`conversion_conflict`); `error.issues` names each'),
            400: badBody,
            ...pick(401, 403, 413, 415, 429, 503),
          } },
      },
      '/v1/stats': {
        get: { summary: 'Acceptance per trigger × variant', security: sk, parameters: queryParameters(statsQuerySchema),
          responses: { 200: answer('The stats', ref('Stats')), ...pick(400, 401, 403, 429, 503) } },
      },
      '/v1/stats.csv': {
        get: { summary: 'The stats as CSV', security: sk, parameters: queryParameters(statsQuerySchema),
          responses: { 200: { description: 'One line per stats row', content: { 'text/csv': { schema: string } } }, ...pick(400, 401, 403, 429, 503) } },
      },
      '/v1/forecast': {
        get: { summary: 'Expected expansion MRR from accounts eligible now, per trigger', security: sk,
          responses: { 200: answer('The forecast', ref('Forecast')), ...pick(401, 403, 429, 503) } },
      },
      '/v1/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/dashboard': {
        get: { summary: "The analysts' dashboard (HTML): the sign-in form without a session, the report with one (`from`, `to`, `trigger` as for /v1/stats)",
          parameters: queryParameters(statsQuerySchema),
          responses: { 200: html('The sign-in form, or the report'), 400: html('The report page naming the query parameters at fault') } },
      },
      '/dashboard/login': {
        post: { summary: 'Sign in with the secret key (a form post from the dashboard page): an HttpOnly, SameSite=Strict session cookie',
          requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: object({ key: string, next: string }, ['next']) } } },
          responses: { 303: { description: 'Signed in: to the dashboard (Set-Cookie)' }, 401: html('Not the secret key: the form again, saying so'),
            403: html('The post did not come from the dashboard page (Origin)') } },
      },
      '/dashboard/logout': {
        post: { summary: 'Sign out', responses: { 303: { description: 'Signed out: to the sign-in form' }, 403: { description: 'The post did not come from the dashboard page' } } },
      },
      '/dashboard/stats.csv': {
        get: { summary: 'The stats as CSV for a signed-in session (the dashboard\'s download)', parameters: queryParameters(statsQuerySchema),
          responses: { 200: { description: 'One line per stats row', content: { 'text/csv': { schema: string } } }, 400: { description: 'Bad query parameters' }, 401: { description: 'Not signed in' } } },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: '{ ok: true }' } } } },
      '/readyz': { get: { summary: 'Readiness: the store answers', responses: { 200: { description: '{ ok: true }' }, ...pick(503) } } },
    },
  }
}
