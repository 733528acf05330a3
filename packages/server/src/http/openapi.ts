// GET /v1/openapi.json: the API described as OpenAPI 3.1, request bodies generated from the zod schemas.
import { z } from 'zod'
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
const error = { $ref: '#/components/schemas/Error' }
const answer = (description: string) => ({ description, content: { 'application/json': { schema: error } } })
const errors = {
  400: answer('Malformed request; `error.issues` lists each problem (code, path, message).'),
  401: answer('No key, or a key that is not configured.'),
  429: answer('Rate limited; retry after `Retry-After` seconds.'),
  503: answer('The store is unreachable; retry after `Retry-After` seconds.'),
}
const secretErrors = { ...errors, 403: answer('A publishable key on a secret-key route.') }
const queryParameters = (schema: z.ZodObject) => {
  const { properties = {}, required = [] } = json(schema)
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.includes(name),
    schema: property,
  }))
}

/**
 * The OpenAPI document of the HTTP API (version 1: the `/v1/` routes).
 * @example const spec = openApiDocument(); spec.paths['/v1/events']
 */
export function openApiDocument(): Record<string, unknown> {
  const pk = [{ bearer: [] }]
  return {
    openapi: '3.1.0',
    info: { title: 'nudgekit', version: '1.0.0', description: 'Rules, event ingest, conversions and stats of a nudgekit server.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'pk_… (publishable) or sk_… (secret)' } },
      schemas: {
        ...bodies,
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                hint: { type: 'string' },
                issues: {
                  type: 'array',
                  items: { type: 'object', properties: { code: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      '/v1/rules': {
        get: { summary: 'Compiled rules for the browser (ETag; 304 on If-None-Match)', security: pk,
          responses: { 200: { description: 'The compiled rules' }, 304: { description: 'Unchanged' }, ...errors } },
      },
      '/v1/state': {
        get: { summary: "An account's exposure state per trigger", security: pk, parameters: queryParameters(stateQuerySchema),
          responses: { 200: { description: '{ account, triggers: { [id]: { impressions, lastShownAt, dismissedAt, snoozedUntil, acceptedAt } } }' }, ...errors } },
      },
      '/v1/events': {
        post: {
          summary: 'Record a batch of events (the key may be in the body for sendBeacon, sent as text/plain)',
          security: pk,
          requestBody: { required: true, content: {
            'application/json': { schema: { $ref: '#/components/schemas/EventBatch' } },
            'text/plain': { schema: { $ref: '#/components/schemas/EventBatch' } },
          } },
          responses: { 202: { description: '{ accepted, duplicates, rejected: [{ index, error, issues }] } after commit; each event is validated against the Event schema' },
            413: answer('Body over 512 KB.'), ...errors },
        },
      },
      '/v1/conversions': {
        post: { summary: "An upgrade confirmed by billing, credited to the account's last exposure", security: pk,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Conversion' } } } },
          responses: { 201: { description: 'Recorded; `credited` names the trigger and variant' }, 200: { description: 'Already recorded (same id)' }, ...secretErrors } },
      },
      '/v1/stats': {
        get: { summary: 'Acceptance per trigger × variant', security: pk, parameters: queryParameters(statsQuerySchema),
          responses: { 200: { description: '{ from, to, rows }' }, ...secretErrors } },
      },
      '/v1/stats.csv': {
        get: { summary: 'The stats as CSV', security: pk, parameters: queryParameters(statsQuerySchema),
          responses: { 200: { description: 'text/csv' }, ...secretErrors } },
      },
      '/v1/forecast': {
        get: { summary: 'Expected expansion MRR from accounts eligible now, per trigger', security: pk,
          responses: { 200: { description: '{ expected_mrr, rows }' }, ...secretErrors } },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: '{ ok: true }' } } } },
      '/readyz': { get: { summary: 'Readiness: the store answers', responses: { 200: { description: '{ ok: true }' }, 503: errors[503] } } },
    },
  }
}
