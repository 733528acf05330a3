// A TCP proxy on 127.0.0.1 that can be cut (open connections reset, new ones refused) and restored.
import { createServer, connect, type Server, type Socket } from 'node:net'

export interface TcpProxy {
  readonly port: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Resets every open connection and stops listening, so new connections are refused. */
  cut(): Promise<void>
  /** Listens again on the same port. */
  restore(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts a proxy forwarding 127.0.0.1:<port> to `target`.
 * @example
 * const proxy = await createTcpProxy({ host: '127.0.0.1', port: 5432 })
 * await proxy.cut() // the database is gone for everyone behind the proxy
 */
export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>()
  let connections = 0
  let port = 0

  const track = (socket: Socket): void => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  }

  const listen = (): Promise<Server> =>
    new Promise((resolve, reject) => {
      const server = createServer((client) => {
        connections++
        const upstream = connect(target.port, target.host)
        track(client)
        track(upstream)
        client.pipe(upstream)
        upstream.pipe(client)
        client.on('error', () => upstream.destroy())
        upstream.on('error', () => client.destroy())
        client.once('close', () => upstream.destroy())
        upstream.once('close', () => client.destroy())
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        const address = server.address()
        port = typeof address === 'object' && address ? address.port : port
        resolve(server)
      })
    })

  let server: Server | undefined = await listen()

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of open) socket.resetAndDestroy()
      open.clear()
      if (!server) return resolve()
      server.close(() => resolve())
      server = undefined
    })

  return {
    get port() {
      return port
    },
    get connections() {
      return connections
    },
    cut: stop,
    async restore() {
      if (!server) server = await listen()
    },
    close: stop,
  }
}
