// A real `nudgekit serve` child process on 127.0.0.1: started, SIGKILLed and restarted on the same port and database.
import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRulesOrThrow, type CompiledRules } from '@nudgekit/rules'
import { exited, freePort, spawnTracked, waitFor } from './processes.ts'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = 'packages/server/src/cli/main.ts'

/** The rules file every chaos server runs with, relative to the repository root. */
export const RULES_FILE = 'examples/rules/acme-crm.yaml'

/** The compiled payload of `RULES_FILE`, as `GET /v1/rules` serves it. */
export function exampleRules(): CompiledRules {
  return loadRulesOrThrow(readFileSync(join(REPO_ROOT, RULES_FILE), 'utf8'), { filename: RULES_FILE }).compiled
}

export const PUBLISHABLE_KEY = 'pk_test_chaos_suite_1'
export const SECRET_KEY = 'sk_test_chaos_suite_1'

export interface ServerOptions {
  /** Rules file path, relative to the repository root or absolute. */
  rules: string
  /** SQLite file, or a `postgres://` URL (passed as `--database-url`). */
  db: string
  port?: number
  /** Origins allowed to call from a browser. */
  cors?: string[]
  /** Rate-limit by X-Forwarded-For, so a loader can act as many clients. */
  trustProxy?: boolean
  /** Extra environment for the child. */
  env?: Record<string, string>
  /** Extra `nudgekit serve` flags. */
  args?: string[]
}

export interface ServerProcess {
  readonly url: string
  readonly port: number
  /** How many times the process was started. */
  readonly starts: number
  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill9(): Promise<void>
  /** Starts the server again on the same port and database; resolves when `/healthz` answers. */
  restart(): Promise<void>
  /** SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void>
  /** What the child printed (stdout and stderr), for failure reports. */
  output(): string
}

/**
 * Starts `nudgekit serve` with the pinned Node running this process and waits until `/healthz` answers 200.
 * @example
 * const server = await startServer({ rules: 'examples/rules/acme-crm.yaml', db: '/tmp/chaos.db' })
 * await server.kill9(); await server.restart()
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = options.port ?? (await freePort())
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  let starts = 0
  let log = ''

  const start = async (): Promise<void> => {
    starts++
    const args = [
      '--conditions=@nudgekit/source',
      '--disable-warning=ExperimentalWarning',
      CLI,
      'serve',
      '--rules', options.rules,
      /^postgres(ql)?:/.test(options.db) ? '--database-url' : '--db', options.db,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--publishable-key', PUBLISHABLE_KEY,
      '--secret-key', SECRET_KEY,
      ...(options.cors ?? []).flatMap((origin) => ['--cors', origin]),
      ...(options.trustProxy ? ['--trust-proxy'] : []),
      ...(options.args ?? []),
    ]
    const current = spawnTracked(process.execPath, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = current
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000)
    }
    current.stdout?.on('data', keep)
    current.stderr?.on('data', keep)
    const exitedEarly = () => current.exitCode !== null || current.signalCode !== null
    await waitFor(async () => exitedEarly() || (await fetch(`${url}/healthz`)).ok, `nudgekit serve on ${url}`)
    if (exitedEarly()) throw new Error(`nudgekit serve exited (${current.exitCode ?? current.signalCode}):\n${log}`)
  }

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (!child) return
    const current = child
    child = undefined
    current.kill(signal)
    await exited(current)
  }

  await start()
  return {
    url,
    port,
    get starts() {
      return starts
    },
    kill9: () => kill('SIGKILL'),
    restart: start,
    async stop() {
      const current = child
      if (!current) return
      const timer = setTimeout(() => current.kill('SIGKILL'), 3000)
      await kill('SIGTERM')
      clearTimeout(timer)
    },
    output: () => log,
  }
}
