// HTTP error bodies: one JSON shape for every error answer, zod issues mapped to { code, path, message }.
import type { z } from 'zod'

/** One problem with a request, as data. */
export interface RequestIssue {
  code: string
  /** Dotted path into the request body or query, e.g. `events.3.ts`. */
  path: string
  message: string
  hint?: string
}

/** The body of every error answer. */
export interface ErrorBody {
  error: {
    code: string
    message: string
    hint?: string
    issues?: RequestIssue[]
  }
}

/**
 * A JSON error answer.
 * @example return errorResponse(401, 'missing_key', 'Failed to authenticate: no API key was sent.', 'Send the key as "Authorization: Bearer <key>".')
 */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  hint?: string,
  extra: { issues?: RequestIssue[]; headers?: Record<string, string> } = {},
): Response {
  const body: ErrorBody = { error: { code, message, ...(hint ? { hint } : {}), ...(extra.issues ? { issues: extra.issues } : {}) } }
  const response = Response.json(body, { status, headers: extra.headers })
  errorResponses.add(response)
  return response
}

// Answers made by errorResponse, recognised by identity: `instanceof Response` is not reliable because
// @hono/node-server (and other adapters) may replace the global Response class after this module loads,
// and a check that misses an error answer would let an unauthorised request through.
const errorResponses = new WeakSet<object>()

/**
 * True for an answer made by `errorResponse`; helpers return either such an answer or their value.
 * @example const kind = authorize(keyring, key, 'secret'); if (isErrorResponse(kind)) return kind
 */
export function isErrorResponse(value: unknown): value is Response {
  return typeof value === 'object' && value !== null && errorResponses.has(value)
}

/**
 * zod issues as request issues, paths prefixed with `prefix` (e.g. `['events', 3]`). A custom issue may name its own
 * `code` and `hint` in its params.
 */
export function fromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): RequestIssue[] {
  return error.issues.map((issue) => {
    const params: { code?: unknown; hint?: unknown } = issue.code === 'custom' ? (issue.params ?? {}) : {}
    return {
      code: typeof params.code === 'string' ? params.code : issue.code,
      path: [...prefix, ...issue.path].map(String).join('.'),
      message: issue.message,
      ...(typeof params.hint === 'string' ? { hint: params.hint } : {}),
    }
  })
}

/** The first issue as one line: `events.3.ts: Invalid input`. */
export function summarize(issues: readonly RequestIssue[]): string {
  const [first] = issues
  if (!first) return 'invalid request'
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return `${first.path ? first.path + ': ' : ''}${first.message}${more}`
}
