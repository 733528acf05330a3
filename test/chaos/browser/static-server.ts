// A tiny static server on 127.0.0.1 for the browser checks: fixed routes, fixed headers, nothing else.
import { createServer, type OutgoingHttpHeaders } from 'node:http'

export interface Route {
  body: string | Buffer
  type: string
  /** Default 200. */
  status?: number
  headers?: OutgoingHttpHeaders
}

export interface StaticServer {
  readonly url: string
  close(): Promise<void>
}

/**
 * Serves `routes` (path → body and headers); anything else is a 404. Every answer carries `headers`.
 * @example const server = await serveStatic({ '/': { body: html, type: 'text/html' } }, { 'content-security-policy': "default-src 'self'" })
 */
export async function serveStatic(routes: Record<string, Route>, headers: OutgoingHttpHeaders = {}): Promise<StaticServer> {
  const table = new Map(Object.entries(routes))
  const server = createServer((req, res) => {
    const route = table.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
    if (!route) return void res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found')
    res.writeHead(route.status ?? 200, { ...headers, ...route.headers, 'content-type': route.type, 'cache-control': 'no-store' }).end(route.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
