import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandler } from '../handler.ts'
import { makeEvent } from '../store/fixtures.ts'
import { sqlite } from '../store/sqlite.ts'
import { compileRules } from '../test-support/rules.ts'
import { nodeMiddleware, serve, type RunningServer } from './node.ts'

const keys = { publishable: 'pk_test_0123456789abcdef', secret: 'sk_test_0123456789abcdef' }
const silent = { info() {}, warn() {}, error() {} }
const rules = compileRules()
const store = sqlite(':memory:')
const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()))
})

describe('serve', () => {
  it('answers over HTTP on the chosen host and a free port', async () => {
    const server = await serve({ port: 0, rules, store, keys, logger: silent })
    running.push(server)
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await fetch(`${server.url}/v1/rules`, { headers: { authorization: `Bearer ${keys.publishable}` } })
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toBe(`"${rules.hash}"`)
  })

  it('fails with a one-line reason when the port is in use', async () => {
    const first = await serve({ port: 0, rules, store, keys, logger: silent })
    running.push(first)
    await expect(serve({ port: first.port, rules, store, keys, logger: silent })).rejects.toThrow(
      `Failed to start the server: port ${first.port} on 127.0.0.1 is in use. Pass --port with a free port, or stop the other server.`,
    )
  })
})

/** Sends `parts` of a raw HTTP/1.1 exchange on one connection, a pause between them, and resolves with what came back. */
function exchange(url: string, parts: ReadonlyArray<string | Buffer>, { end = true } = {}): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let answer = ''
    socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk)).on('error', reject)
    socket.on('close', () => resolve(answer))
    socket.once('connect', async () => {
      for (const part of parts) {
        socket.write(part)
        await new Promise((next) => setTimeout(next, 20))
      }
      if (end) socket.end()
      else socket.destroy()
    })
  })
}

/** The head of a POST /v1/events with a declared length, keyed, closing the connection after its answer. */
const eventsHead = (length: number) =>
  `POST /v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${keys.publishable}\r\n` +
  `content-type: application/json\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`

describe('reading a body with a declared length', () => {
  const batch = () => JSON.stringify({ events: [makeEvent({ type: 'impression', ts: Date.now() - 1000, trigger: 'contacts-80', variant: 'a' })] })

  it('reads the whole body when it arrives in several packets', async () => {
    const server = await serve({ port: 0, rules, store, keys, logger: silent })
    running.push(server)
    const body = Buffer.from(batch())
    const answer = await exchange(server.url, [eventsHead(body.length), body.subarray(0, 10), body.subarray(10, 40), body.subarray(40)])
    expect(answer).toMatch(/^HTTP\/1\.1 202 /)
    expect(answer).toContain('"accepted":1')
  })

  it('answers 400 naming the offset of a byte that is not UTF-8, as for any body', async () => {
    const server = await serve({ port: 0, rules, store, keys, logger: silent })
    running.push(server)
    const body = Buffer.concat([Buffer.from('{"events":["'), Buffer.from([0xff]), Buffer.from('"]}')])
    const answer = await exchange(server.url, [eventsHead(body.length), body])
    expect(answer).toMatch(/^HTTP\/1\.1 400 /)
    expect(answer).toContain('byte 0xff at offset 12')
  })

  it('keeps serving after a client leaves in the middle of its body', async () => {
    const server = await serve({ port: 0, rules, store, keys, logger: silent })
    running.push(server)
    expect(await exchange(server.url, [eventsHead(1000), '{"events":['], { end: false })).toBe('')
    const response = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.publishable}`, 'content-type': 'application/json' },
      body: batch(),
    })
    expect(response.status).toBe(202)
  })
})

describe('hosted by @hono/node-server with its default global Request/Response override', () => {
  it('still refuses a request without a key and a publishable key on a secret route', async () => {
    const handler = createHandler({ rules, store, keys, logger: silent })
    // The default (overrideGlobalObjects: true) swaps the global Response class after our modules loaded.
    const server = createAdaptorServer({ fetch: (request: Request) => handler(request) }) as Server
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      expect((await fetch(`${url}/v1/stats`)).status).toBe(401)
      const conversion = await fetch(`${url}/v1/conversions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.publishable}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'conv_1', account: 'acct_1', to: 'pro' }),
      })
      expect(conversion.status).toBe(403)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('nodeMiddleware', () => {
  it('answers its own paths and hands the rest to next()', async () => {
    const middleware = nodeMiddleware({ rules, store, keys, logger: silent })
    const server: Server = createServer((req, res) => middleware(req, res, () => res.end('host app')))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true })
      expect(await (await fetch(`${base}/pricing`)).text()).toBe('host app')
      const events = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ key: keys.publishable, events: [] }) })
      expect(events.status).toBe(400)
    } finally {
      middleware.handler.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('keeps a mount path in the dashboard links, redirect and cookie path (Express app.use("/nudgekit", …))', async () => {
    const middleware = nodeMiddleware({ rules, store, keys, logger: silent })
    // What Express does for a middleware mounted at a path: originalUrl keeps the URL, url loses the prefix.
    const server: Server = createServer((req, res) => {
      if (!req.url?.startsWith('/nudgekit/')) return res.end('host app')
      Object.assign(req, { originalUrl: req.url, url: req.url.slice('/nudgekit'.length) })
      middleware(req, res, () => res.end('host app'))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const login = await (await fetch(`${origin}/nudgekit/dashboard`)).text()
      expect(login).toContain('action="/nudgekit/dashboard/login"')
      const signIn = await fetch(`${origin}/nudgekit/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({ key: keys.secret }),
      })
      expect(signIn.status).toBe(303)
      expect(signIn.headers.get('location')).toBe('/nudgekit/dashboard')
      expect(signIn.headers.get('set-cookie')).toMatch(/Path=\/nudgekit\/dashboard;/)
      const page = await fetch(`${origin}/nudgekit/dashboard`, { headers: { cookie: signIn.headers.get('set-cookie')!.split(';')[0]! } })
      expect(await page.text()).toContain('href="/nudgekit/dashboard/app.css"')
    } finally {
      middleware.handler.close()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
