// A fault-injecting HTTP proxy on 127.0.0.1: 5xx answers, held responses (timeouts) and connection resets.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

export interface FaultRates {
  /** Share of requests answered with a 5xx (0–1). */
  error5xx: number
  /** Share of requests whose response is held until the client gives up (0–1). */
  timeout: number
  /** Share of requests whose connection is reset (0–1). */
  reset: number
}

export interface FaultCounts {
  requests: number
  /** Requests that reached the upstream and whose answer went back untouched. */
  clean: number
  error5xx: number
  timeouts: number
  resets: number
  /** Faults injected after the upstream had processed the request (the client cannot know it landed). */
  afterUpstream: number
  /** Upstream unreachable (e.g. killed): answered 502. */
  upstreamDown: number
}

export interface FaultProxy {
  readonly url: string
  readonly port: number
  readonly counts: FaultCounts
  close(): Promise<void>
}

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. `http://127.0.0.1:4000`. */
  target: string
  rates: FaultRates
  /** How long a held response stays open before the proxy drops it; longer than the client's timeout. */
  holdMs: number
  /** Source of randomness, for reproducible runs. */
  random?: () => number
  /** Sees every upstream answer, also those the client never gets (to count what the server stored). */
  observe?: (answer: { method: string; path: string; status: number; body: Buffer }) => void
}

type Fault = 'error5xx' | 'timeout' | 'reset' | 'none'

const ERROR_STATUSES = [500, 502, 503, 504]

/**
 * Starts the proxy. Each request draws one fault; a fault is injected either before the request reaches the
 * upstream or after the upstream answered (so the client retries something the server already stored).
 * @example
 * const proxy = await createFaultProxy({ target: server.url, rates: { error5xx: 0.2, timeout: 0.1, reset: 0.05 }, holdMs: 3000 })
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = options.random ?? Math.random
  const target = new URL(options.target)
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const sockets = new Set<Socket>()
  const held = new Set<NodeJS.Timeout>()
  const counts: FaultCounts = { requests: 0, clean: 0, error5xx: 0, timeouts: 0, resets: 0, afterUpstream: 0, upstreamDown: 0 }

  const draw = (): Fault => {
    const roll = random()
    const { error5xx, timeout, reset } = options.rates
    if (roll < error5xx) return 'error5xx'
    if (roll < error5xx + timeout) return 'timeout'
    if (roll < error5xx + timeout + reset) return 'reset'
    return 'none'
  }

  const inject = (fault: Exclude<Fault, 'none'>, res: ServerResponse): void => {
    if (fault === 'error5xx') {
      counts.error5xx++
      const status = ERROR_STATUSES[Math.floor(random() * ERROR_STATUSES.length)] ?? 503
      res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end('injected fault')
    } else if (fault === 'timeout') {
      counts.timeouts++
      const timer = setTimeout(() => {
        held.delete(timer)
        res.socket?.destroy()
      }, options.holdMs)
      held.add(timer)
      res.once('close', () => {
        clearTimeout(timer)
        held.delete(timer)
      })
    } else {
      counts.resets++
      res.socket?.resetAndDestroy()
    }
  }

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer } | undefined> =>
    new Promise((resolve) => {
      const headers = { ...req.headers, host: target.host }
      delete headers.connection
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const chunks: Buffer[] = []
          answer.on('data', (chunk: Buffer) => chunks.push(chunk))
          answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }))
          answer.on('error', () => resolve(undefined))
        },
      )
      upstream.on('error', () => resolve(undefined))
      upstream.end(body)
    })

  const server = createServer((req, res) => {
    counts.requests++
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const fault = draw()
      const afterUpstream = fault !== 'none' && random() < 0.5
      if (fault !== 'none' && !afterUpstream) return inject(fault, res)
      const answer = await forward(req, Buffer.concat(chunks))
      if (!answer) {
        counts.upstreamDown++
        if (!res.destroyed) res.writeHead(502, { 'content-type': 'text/plain' }).end('upstream unreachable')
        return
      }
      options.observe?.({ method: req.method ?? 'GET', path: req.url ?? '/', status: answer.status, body: answer.body })
      if (fault !== 'none') {
        counts.afterUpstream++
        return inject(fault, res)
      }
      counts.clean++
      if (res.destroyed) return
      const headers = { ...answer.headers }
      delete headers.connection
      delete headers['transfer-encoding']
      delete headers['keep-alive']
      res.writeHead(answer.status, headers).end(answer.body)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    close: () =>
      new Promise((resolve) => {
        for (const timer of held) clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        agent.destroy()
        server.close(() => resolve())
      }),
  }
}
