import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { bodyLimit } from './index.ts'

const LIMIT = 16

function setup() {
  const app = new Hono()
  app.use(bodyLimit(LIMIT))
  app.post('/echo', async (c) => c.text(await c.req.text()))
  app.post('/keyed', (c) => (c.req.header('authorization') ? c.text('read later') : c.text('no key', 401)))
  app.onError((error) => (error instanceof HTTPException ? error.getResponse() : new Response('unexpected', { status: 500 })))
  return app
}

/** A body streamed in `chunks`, so its length is unknown to the server. */
function streamed(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

const post = (app: Hono, path: string, init: { body?: BodyInit; headers?: Record<string, string> }) =>
  app.request(path, { method: 'POST', ...init, duplex: 'half' } as RequestInit)

describe('bodyLimit', () => {
  it('passes a body within the limit, declared or streamed', async () => {
    const app = setup()
    expect(await (await post(app, '/echo', { body: '0123456789abcdef' })).text()).toBe('0123456789abcdef')
    const response = await post(app, '/echo', { body: streamed(['01234567', '89abcdef']) })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('0123456789abcdef')
  })

  it('answers 413 when a streamed body passes the limit, in the API error shape', async () => {
    const response = await post(setup(), '/echo', { body: streamed(['01234567', '89abcdef', 'g']) })
    expect(response.status).toBe(413)
    // The rest of the body is left unread, so the connection must not carry another request.
    expect(response.headers.get('connection')).toBe('close')
    expect(await response.json()).toEqual({
      error: {
        code: 'body_too_large',
        message: `Failed to read the body: it is larger than ${LIMIT} bytes.`,
        hint: 'Send a smaller body: split event batches in several requests.',
      },
    })
  })

  it('answers 413 for a declared length over the limit without reading the body', async () => {
    let pulled = false
    const body = new ReadableStream({ pull: () => void (pulled = true) }, { highWaterMark: 0 })
    const response = await post(setup(), '/echo', { body, headers: { 'content-length': String(LIMIT + 1) } })
    expect(response.status).toBe(413)
    expect(response.headers.get('connection')).toBeNull()
    expect(pulled).toBe(false)
  })

  it('leaves the answer to the route when it does not read the body, so a key check answers first', async () => {
    const app = setup()
    expect((await post(app, '/keyed', { body: 'x'.repeat(LIMIT * 4) })).status).toBe(401)
    let pulled = false
    const body = new ReadableStream({ pull: () => void (pulled = true) }, { highWaterMark: 0 })
    expect((await post(app, '/keyed', { body })).status).toBe(401)
    // An unread body stays unread, so the Node adapter can drain it and keep the connection alive.
    expect(pulled).toBe(false)
  })

  it('lets requests without a body through', async () => {
    const response = await post(setup(), '/echo', {})
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('')
  })
})
