// Body size limit: a body over the limit fails where it is read (413), whether or not its length was declared.
import type { MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { errorResponse } from '../../http/errors.ts'

/** Methods whose requests carry no body; a `Request` cannot even be made for TRACE and CONNECT. */
const WITHOUT_BODY: ReadonlySet<string> = new Set(['GET', 'HEAD', 'TRACE', 'CONNECT'])

/**
 * Caps request bodies at `maxBytes`. A body that declares a length within the limit passes untouched (the
 * HTTP parser delivers no more than declared). Any other body (chunked, streamed without Content-Length, or
 * declared too large) is swapped for a counting stream that fails the read with a 413 `HTTPException` once
 * it passes the limit, so the route's key check still answers first and nothing over the limit is buffered.
 * The request is rebuilt from its URL, never from the incoming `Request` object: `new Request(request)`
 * throws for @hono/node-server's request when it runs with `overrideGlobalObjects: false`.
 *
 * @example
 * app.use('*', bodyLimit(512 * 1024))
 * app.post('/v1/conversions', requireKey(keyring, 'secret'), async (c) => c.json(await c.req.json()))
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const request = c.req.raw
    if (WITHOUT_BODY.has(request.method)) return next()
    const declared = declaredLength(request.headers)
    if (declared !== undefined && declared <= maxBytes) return next()
    // A stream body needs `duplex: 'half'` (Node and the fetch spec), which the DOM typings of RequestInit lack.
    // No `signal`: reading it (like `body`) makes @hono/node-server start reading the socket, see limitedStream.
    const init: RequestInit & { duplex: 'half' } = {
      method: request.method,
      headers: request.headers,
      body: declared === undefined ? limitedStream(() => request.body, maxBytes) : refusedStream(maxBytes),
      duplex: 'half',
    }
    c.req.raw = new Request(request.url, init)
    await next()
  }
}

/**
 * The 413 answer for a body over `maxBytes`, as the error a read of the body rejects with. When the body was
 * read in part (`partly`), the rest is not, so the answer closes the connection rather than leave the client
 * to send its next request on it after bytes the server skipped.
 */
function bodyTooLarge(maxBytes: number, partly: boolean): HTTPException {
  const res = errorResponse(413, 'body_too_large', `Failed to read the body: it is larger than ${maxBytes} bytes.`,
    'Send a smaller body: split event batches in several requests.', partly ? { headers: { connection: 'close' } } : {})
  return new HTTPException(413, { res })
}

/** Content-Length when it sets the body's size: absent or overridden by Transfer-Encoding, the length is unknown. */
function declaredLength(headers: Headers): number | undefined {
  const value = headers.get('content-length')
  if (value === null || headers.has('transfer-encoding') || !/^\d+$/.test(value)) return undefined
  return Number(value)
}

/**
 * The incoming body passed through while it stays within `maxBytes`, taken from `source` on the first read only
 * (a high-water mark of 0 pulls nothing before that): once @hono/node-server has started reading a request it
 * can no longer drain what an early answer (401, 405) left unread, and closes the connection instead of
 * keeping it alive. Past the limit the stream errors without cancelling the source, as cancelling a Node
 * request stream destroys the socket before the 413 is written; the 413 closes the connection instead.
 */
function limitedStream(source: () => ReadableStream<Uint8Array> | null, maxBytes: number): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let size = 0
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (reader === undefined) {
        const body = source()
        if (body === null) return controller.close()
        reader = body.getReader()
      }
      const { done, value } = await reader.read()
      if (done) return controller.close()
      size += value.byteLength
      if (size > maxBytes) return controller.error(bodyTooLarge(maxBytes, true))
      controller.enqueue(value)
    },
    cancel: (reason) => reader?.cancel(reason),
  }, { highWaterMark: 0 })
}

/** A body declared larger than `maxBytes`: its first read fails, and the incoming body is never touched. */
function refusedStream(maxBytes: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(bodyTooLarge(maxBytes, false)) }, { highWaterMark: 0 })
}
