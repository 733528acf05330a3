// Checks a README's `curl` call of the HTTP API against the route's zod schema and its answers in the OpenAPI document.
import { openApiDocument } from '../../packages/server/src/http/openapi.ts'
import { conversionSchema, eventBatchSchema } from '../../packages/server/src/http/schemas.ts'

/** The request bodies the routes parse, by `METHOD /path`. */
const BODIES: Record<string, typeof conversionSchema | typeof eventBatchSchema> = {
  'POST /v1/conversions': conversionSchema,
  'POST /v1/events': eventBatchSchema,
}

interface JsonSchema {
  $ref?: string
  type?: string
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
}

interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema: JsonSchema } } }>
}

const spec = openApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, JsonSchema> } }

/**
 * The problems of `curl <words>`, with `output` the answer the README shows below it (`201 {…}`).
 * @example checkCurl('README.md:161', ['curl', '-X', 'POST', 'https://x/v1/conversions', '-d', '{}'], []) // ['README.md:161 POST /v1/conversions body: id: …']
 */
export function checkCurl(where: string, words: string[], output: string[]): string[] {
  let method: string | undefined
  let url = ''
  let body: string | undefined
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!
    if (word === '-X' || word === '--request') method = words[++i]
    else if (word === '-d' || word === '--data' || word === '--data-raw') body = words[++i]
    else if (word === '-H' || word === '--header') i++
    else if (/^https?:\/\//.test(word)) url = word
  }
  method ??= body === undefined ? 'GET' : 'POST'
  const path = /\/(v1\/[^?]*|healthz|readyz|dashboard)(\?.*)?$/.exec(url)?.[1]
  const route = `${method} /${path}`
  const operation = path === undefined ? undefined : spec.paths[`/${path}`]?.[method.toLowerCase()]
  if (!operation) return [`${where} curl ${method} ${url}: no such route in the API`]
  const problems: string[] = []
  if (body !== undefined) {
    const schema = BODIES[route]
    const parsed = parseJson(body)
    if (!schema) problems.push(`${where} ${route}: no request schema for this route in test/docs/http.ts`)
    else if (!parsed.ok) problems.push(`${where} ${route} body is not JSON: ${parsed.error}`)
    else {
      const result = schema.safeParse(parsed.value)
      if (!result.success) problems.push(...result.error.issues.map((issue) => `${where} ${route} body: ${issue.path.join('.')}: ${issue.message}`))
    }
  }
  const answer = /^(\d{3})\s+(.*)$/s.exec(output.join('\n'))
  if (answer) {
    const [, status = '', text = ''] = answer
    const response = operation.responses[status]
    const parsed = parseJson(text)
    if (!response) problems.push(`${where} ${route} does not answer ${status}`)
    else if (!parsed.ok) problems.push(`${where} ${route} answer is not JSON: ${parsed.error}`)
    else {
      const schema = response.content?.['application/json']?.schema
      if (schema) problems.push(...keyProblems(parsed.value, schema, '').map((problem) => `${where} ${route} ${status} answer: ${problem}`))
    }
  }
  return problems
}

/** Keys of `value` the schema does not have, and required keys it lacks, recursively through objects. */
function keyProblems(value: unknown, schema: JsonSchema, path: string): string[] {
  const resolved = schema.$ref ? spec.components.schemas[schema.$ref.split('/').at(-1)!]! : schema
  if (value === null) return []
  if (resolved.anyOf) return keyProblems(value, resolved.anyOf.find((branch) => branch.type !== 'null')!, path)
  if (resolved.type !== 'object' || typeof value !== 'object' || Array.isArray(value)) return []
  const properties = resolved.properties ?? {}
  const entries = Object.entries(value)
  return [
    ...entries.flatMap(([key, child]) => properties[key]
      ? keyProblems(child, properties[key], `${path}${key}.`)
      : [`${path}${key} is not in the answer's schema`]),
    ...(resolved.required ?? []).filter((key) => !(key in value)).map((key) => `${path}${key} is missing`),
  ]
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return { ok: false, error: (error as Error).message }
  }
}
