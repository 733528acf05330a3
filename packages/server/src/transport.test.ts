// How requests reach the handler through the real Node adapter: bodies of every framing, methods, credentials.
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeMiddleware, serve, type RunningServer } from './adapters/node.ts'
import { createHandler } from './handler.ts'
import { makeEvent } from './store/fixtures.ts'
import { sqlite } from './store/sqlite.ts'
import type { Store } from './store/types.ts'
import { compileRules } from './test-support/rules.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'
const keys = { publishable: PK, secret: SK }
const rules = compileRules()
const LIMIT = 512 * 1024

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

const batch = () => JSON.stringify({ events: [makeEvent({ type: 'impression', ts: Date.now() - 1000, trigger: 'contacts-80', variant: 'a' })] })
const conversion = () => JSON.stringify({ id: `conv_${Math.random()}`, account: 'acct_1', to: 'pro' })

/** A body sent with `Transfer-Encoding: chunked` in `chunks`, through node:http. */
function chunked(url: string, path: string, chunks: readonly string[], headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, url), { method: 'POST', headers: { 'transfer-encoding': 'chunked', ...headers } }, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, text }))
    })
    request.on('error', reject)
    for (const chunk of chunks) request.write(chunk)
    request.end()
  })
}

/**
 * A request written byte for byte on a socket: without Content-Length or Transfer-Encoding its body is empty,
 * which node:http's client and fetch never send (they add `Content-Length: 0`).
 */
function bare(url: string, method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let raw = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (raw += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = '', text = ''] = raw.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const parsed = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, text })
    })
    const lines = Object.entries({ host: `${hostname}:${port}`, connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}`)
    socket.write(`${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`)
  })
}

/**
 * `requests` sent one after the other on one socket, each once the answer to the one before has arrived (as a
 * keep-alive client does): the statuses of the answers the server gave before it closed the connection.
 */
function onOneConnection(url: string, requests: readonly string[]): Promise<number[]> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    const statuses: number[] = []
    let raw = ''
    const sendNext = () => {
      const next = requests[statuses.length]
      if (next === undefined) socket.end()
      else socket.write(next)
    }
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      raw += chunk
      for (;;) {
        const headEnd = raw.indexOf('\r\n\r\n')
        const length = Number(/^content-length: *(\d+)$/im.exec(raw.slice(0, headEnd))?.[1] ?? 0)
        if (headEnd < 0 || raw.length < headEnd + 4 + length) return
        statuses.push(Number(raw.slice(9, 12)))
        raw = raw.slice(headEnd + 4 + length)
        sendNext()
      }
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(statuses))
    sendNext()
  })
}

/** `text` as a stream of `size`-byte pieces, so fetch sends it chunked. */
function stream(text: string, size = 16 * 1024): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(offset, (offset += size)))
    },
  })
}

const streamed = (url: string, path: string, body: string, headers: Record<string, string>) =>
  fetch(new URL(path, url), { method: 'POST', body: stream(body), duplex: 'half', headers } as RequestInit)

const asPk = { authorization: `Bearer ${PK}`, 'content-type': 'application/json' }
const asSk = { authorization: `Bearer ${SK}`, 'content-type': 'application/json' }

let store: Store
let server: RunningServer
let middlewareUrl: string
let closeMiddleware: () => Promise<void>

beforeAll(async () => {
  store = sqlite(':memory:')
  const silent = { info() {}, warn() {}, error() {} }
  server = await serve({ port: 0, rules, store, keys, logger: silent })
  const middleware = nodeMiddleware({ rules, store, keys, logger: silent })
  const host: Server = createServer((req, res) => middleware(req, res, () => res.end('host app')))
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve))
  middlewareUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`
  closeMiddleware = async () => {
    await middleware.handler.close()
    await new Promise((resolve) => {
      host.close(resolve)
      host.closeIdleConnections()
    })
  }
})
afterAll(async () => {
  await server.close()
  await closeMiddleware()
  await store.close()
})

describe.each([
  ['serve()', () => server.url],
  ['nodeMiddleware()', () => middlewareUrl],
])('bodies of unknown length through %s', (_name, base) => {
  it('ingests a chunked batch and records a chunked conversion', async () => {
    const half = Math.floor(batch().length / 2)
    const body = batch()
    const events = await chunked(base(), '/v1/events', [body.slice(0, half), body.slice(half)], asPk)
    expect(events.status, events.text).toBe(202)
    expect(JSON.parse(events.text)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] })
    const recorded = await chunked(base(), '/v1/conversions', [conversion()], asSk)
    expect(recorded.status, recorded.text).toBe(201)
  })

  it('ingests a batch that fetch streams with duplex: half, the beacon form too', async () => {
    const events = await streamed(base(), '/v1/events', batch(), asPk)
    expect(events.status).toBe(202)
    expect(await events.json()).toMatchObject({ accepted: 1 })
    const beacon = await streamed(base(), '/v1/events', JSON.stringify({ key: PK, ...JSON.parse(batch()) }), { 'content-type': 'text/plain' })
    expect(beacon.status).toBe(202)
  })

  it('answers POST, PUT, DELETE and TRACE without a body with their route\'s answer, never 500', async () => {
    const empty = await bare(base(), 'POST', '/v1/events', { authorization: `Bearer ${PK}` })
    expect(empty.status).toBe(400)
    expect(JSON.parse(empty.text)).toMatchObject({ error: { code: 'invalid_json', message: 'Failed to read the body: it is empty.' } })
    expect((await bare(base(), 'POST', '/v1/conversions')).status).toBe(401)
    expect((await bare(base(), 'POST', '/v1/conversions', { authorization: `Bearer ${SK}` })).status).toBe(400)
    for (const method of ['PUT', 'DELETE']) {
      const answer = await bare(base(), method, '/v1/events', { authorization: `Bearer ${PK}` })
      expect(answer.status, method).toBe(405)
      expect(answer.headers.allow, method).toBe('POST')
    }
    expect((await bare(base(), 'DELETE', '/v1/rules')).headers.allow).toBe('GET, HEAD')
    // TRACE cannot be rebuilt as a fetch Request; it must still get its answer.
    expect((await bare(base(), 'TRACE', '/v1/events')).headers.allow).toBe('POST')
    expect((await bare(base(), 'TRACE', '/dashboard')).headers.allow).toBe('GET, HEAD')
    expect((await bare(base(), 'PATCH', '/dashboard/login')).headers.allow).toBe('POST')
  })

  it('answers 413 past 512 KB whether the body is chunked, streamed or declared', async () => {
    const big = JSON.stringify({ events: [], pad: 'x'.repeat(LIMIT) })
    const pieces = big.match(/[^]{1,65536}/g)!
    const viaChunks = await chunked(base(), '/v1/events', pieces, asPk)
    expect(viaChunks.status).toBe(413)
    expect(JSON.parse(viaChunks.text)).toEqual({
      error: {
        code: 'body_too_large',
        message: `Failed to read the body: it is larger than ${LIMIT} bytes.`,
        hint: 'Send a smaller body: split event batches in several requests.',
      },
    })
    expect((await streamed(base(), '/v1/events', big, asPk)).status).toBe(413)
    expect((await fetch(new URL('/v1/events', base()), { method: 'POST', body: big, headers: asPk })).status).toBe(413)
    expect((await chunked(base(), '/v1/conversions', pieces, asSk)).status).toBe(413)
    // Just under the limit is read.
    const fits = JSON.stringify({ events: [], pad: 'x'.repeat(LIMIT - 100) })
    expect((await chunked(base(), '/v1/events', fits.match(/[^]{1,65536}/g)!, asPk)).status).toBe(400)
  })

  it('keeps the connection alive after answering before an oversized declared body is read', async () => {
    const host = `host: ${new URL(base()).host}\r\n`
    const big = `POST /v1/conversions HTTP/1.1\r\n${host}content-type: application/json\r\ncontent-length: ${LIMIT + 1}\r\n`
    const statuses = await onOneConnection(base(), [
      `${big}\r\n${'x'.repeat(LIMIT + 1)}`,
      `${big}authorization: Bearer ${SK}\r\n\r\n${'x'.repeat(LIMIT + 1)}`,
      `GET /healthz HTTP/1.1\r\n${host}\r\n`,
    ])
    expect(statuses).toEqual([401, 413, 200])
  })

  it('closes the connection after a 413 to a chunked body, whose rest it does not read', async () => {
    const answer = await chunked(base(), '/v1/events', ['x'.repeat(LIMIT), 'x'], asPk)
    expect(answer.status).toBe(413)
    expect(answer.headers.connection).toBe('close')
  })

  it('checks the key of a keyed route before the size of its body', async () => {
    const big = 'x'.repeat(LIMIT + 1)
    expect((await chunked(base(), '/v1/conversions', [big], { 'content-type': 'application/json' })).status).toBe(401)
    expect((await fetch(new URL('/v1/conversions', base()), { method: 'POST', body: big, headers: { authorization: `Bearer ${PK}` } })).status).toBe(403)
  })

  it('answers 405 with Allow for a known path and another method', async () => {
    const response = await fetch(new URL('/v1/events', base()))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(await response.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'Failed to route GET /v1/events: the path takes POST.', hint: 'Call POST /v1/events.' },
    })
    expect((await fetch(new URL('/v1/conversions', base()), { headers: { authorization: `Bearer ${SK}` } })).status).toBe(405)
  })

  it('answers 304 without a Content-Type, and 200 with the JSON one', async () => {
    const etag = `"${rules.hash}"`
    const unchanged = await fetch(new URL('/v1/rules', base()), { headers: { authorization: `Bearer ${PK}`, 'if-none-match': etag } })
    expect(unchanged.status).toBe(304)
    expect(unchanged.headers.get('content-type')).toBeNull()
    expect(unchanged.headers.get('etag')).toBe(etag)
    expect(unchanged.headers.get('cache-control')).toBe('no-cache')
    const changed = await fetch(new URL('/v1/rules', base()), { headers: { authorization: `Bearer ${PK}`, 'if-none-match': '"old"' } })
    expect(changed.headers.get('content-type')).toBe('application/json')
  })
})

describe('dashboard credentials', () => {
  const dashboard = (headers: Record<string, string>, path = '/dashboard') => fetch(new URL(path, server.url), { headers })

  it('shows the stats to the secret key in the Authorization header, without a cookie', async () => {
    const page = await dashboard({ authorization: `Bearer ${SK}` })
    expect(page.status).toBe(200)
    expect(page.headers.get('set-cookie')).toBeNull()
    const html = await page.text()
    expect(html).toContain('contacts-80')
    expect(html).not.toContain('name="key"')
    const csv = await dashboard({ authorization: `bearer  ${SK}` }, '/dashboard/stats.csv')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
  })

  it('keeps the publishable key, an unknown key and another scheme out: the login form, no data', async () => {
    for (const authorization of [`Bearer ${PK}`, 'Bearer sk_test_not_this_servers_key', `Basic ${btoa(`user:${SK}`)}`]) {
      const page = await dashboard({ authorization })
      const html = await page.text()
      expect(html, authorization).toContain('name="key"')
      expect(html, authorization).not.toContain('<table')
      expect((await dashboard({ authorization }, '/dashboard/stats.csv')).status, authorization).toBe(401)
    }
  })

  it('answers 405 with Allow for a dashboard path and another method', async () => {
    const response = await fetch(new URL('/dashboard/login', server.url))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
  })

  it('answers 413 for an oversized sign-in form sent chunked', async () => {
    const form = `key=${'x'.repeat(LIMIT)}`
    const answer = await chunked(server.url, '/dashboard/login', form.match(/[^]{1,65536}/g)!, {
      'content-type': 'application/x-www-form-urlencoded',
      origin: server.url,
    })
    expect(answer.status).toBe(413)
  })
})

describe('rate limit buckets', () => {
  function limited() {
    const handler = createHandler({ rules, store, keys, logger: { info() {}, warn() {}, error() {} }, limits: { perSecond: 0.001, burst: 3 } })
    const call = (ip: string, init: { authorization?: string; beaconKey?: string } = {}) =>
      handler(new Request('http://127.0.0.1/v1/events', {
        method: 'POST',
        headers: init.authorization === undefined ? { 'content-type': 'text/plain' } : { authorization: init.authorization, 'content-type': 'application/json' },
        body: init.beaconKey === undefined ? batch() : JSON.stringify({ key: init.beaconKey, ...JSON.parse(batch()) }),
      }), { ip })
    return { handler, call }
  }

  it('gives one key one bucket per address however the header spells it', async () => {
    const { handler, call } = limited()
    const statuses = []
    for (const authorization of [`Bearer ${PK}`, `bearer ${PK}`, `BEARER ${PK}`, `Bearer  ${PK}`]) statuses.push((await call('10.1.0.1', { authorization })).status)
    expect(statuses).toEqual([202, 202, 202, 429])
    await handler.close()
  })

  it('limits made-up keys by address, so a flood of them is answered 429', async () => {
    const { handler, call } = limited()
    const statuses = []
    for (let i = 0; i < 8; i++) statuses.push((await call('10.1.0.2', { authorization: `Bearer pk_made_up_${i}_0123456789` })).status)
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429])
    // The address's known key keeps its own bucket.
    expect((await call('10.1.0.2', { authorization: `Bearer ${PK}` })).status).toBe(202)
    await handler.close()
  })

  it('limits beacons, whose key is in the body, by address: a key in the body opens no bucket', async () => {
    const { handler, call } = limited()
    const statuses = []
    for (const beaconKey of [PK, PK, 'pk_made_up_0_0123456789', PK, 'pk_made_up_1_0123456789']) statuses.push((await call('10.1.0.3', { beaconKey })).status)
    expect(statuses).toEqual([202, 202, 401, 429, 429])
    expect((await call('10.1.0.3', { authorization: `Bearer ${PK}` })).status).toBe(202)
    expect((await call('10.1.0.4', { beaconKey: PK })).status).toBe(202)
    await handler.close()
  })
})
