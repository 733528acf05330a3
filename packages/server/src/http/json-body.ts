// Reads a JSON request body (sent as application/json or text/plain) into a value or a 400/415 answer.
import type { Context } from 'hono'
import { errorResponse, isErrorResponse } from './errors.ts'

/**
 * The parsed body, or an error answer: 415 for another content type, 400 for bytes that are not UTF-8 or text that
 * is not JSON.
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
  const encoding = c.req.header('content-encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity') {
    return errorResponse(415, 'unsupported_media_type', `Failed to read the body: Content-Encoding '${printable(encoding)}' is not accepted.`,
      'Send the JSON uncompressed; batches are small (at most 500 events).')
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    // Decoded lossily, two ids differing only in their bad bytes would both become U+FFFD: one idempotency key.
    const at = invalidUtf8At(bytes)
    return errorResponse(400, 'invalid_encoding',
      `Failed to read the body: it is not valid UTF-8 (byte 0x${bytes[at]!.toString(16).padStart(2, '0')} at offset ${at}).`,
      'Send the JSON encoded as UTF-8, uncompressed; convert ids and names from other encodings before sending them.')
  }
  if (text.trim() === '') {
    return errorResponse(400, 'invalid_json', 'Failed to read the body: it is empty.', 'Send a JSON object.')
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    // JSON.parse quotes the text around the mistake: binary bodies would put raw bytes in the answer and the log.
    const reason = BINARY.test(text) ? 'it holds binary data, not text' : printable((error as Error).message)
    return errorResponse(400, 'invalid_json', `Failed to parse the body as JSON: ${reason}.`, 'Send a JSON object.')
  }
}

/** Throws on bytes that are not UTF-8, rather than replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The offset of the first byte sequence in `bytes` that is not UTF-8: where a lossy decoding, encoded again, first
 * differs, moved back to the start of the sequence when a truncated one was taken as U+FFFD.
 */
function invalidUtf8At(bytes: Uint8Array): number {
  const lossy = new TextEncoder().encode(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes))
  let at = 0
  while (at < bytes.length && lossy[at] === bytes[at]) at++
  while (at > 0 && (lossy[at]! & 0xc0) === 0x80) at--
  return at
}

/** Control characters other than tab, newline and carriage return: no JSON text holds them raw. */
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** `text` cut to 200 characters with control characters escaped, safe to echo in an answer or a log line. */
function printable(text: string): string {
  const cut = text.length > 200 ? text.slice(0, 200) + '…' : text
  return cut.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
