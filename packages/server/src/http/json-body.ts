// Reads a JSON request body (sent as application/json or text/plain) into a value or a 400/415 answer.
import type { Context } from 'hono'
import { errorResponse, isErrorResponse } from './errors.ts'

/**
 * The parsed body, or an error answer: 415 for another content type, 400 for text that is not JSON.
 * `text/plain` is accepted because `navigator.sendBeacon` cannot send `application/json` without a preflight.
 * A body over the handler's limit rejects the read with the 413 `HTTPException` of the body-limit middleware,
 * which the handler's error handler answers.
 * @example const body = await readJson(c, false); if (isErrorResponse(body)) return body
 */
export async function readJson(c: Context, allowTextPlain: boolean): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const accepted = type === 'application/json' || type === '' || (allowTextPlain && type === 'text/plain')
  if (!accepted) {
    return errorResponse(415, 'unsupported_media_type', `Failed to read the body: Content-Type '${type}' is not accepted.`,
      allowTextPlain ? 'Send JSON as application/json (or text/plain for sendBeacon).' : 'Send JSON as application/json.')
  }
  const text = await c.req.text()
  if (text.trim() === '') {
    return errorResponse(400, 'invalid_json', 'Failed to read the body: it is empty.', 'Send a JSON object.')
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    return errorResponse(400, 'invalid_json', `Failed to parse the body as JSON: ${(error as Error).message}.`,
      'Send a JSON object.')
  }
}
