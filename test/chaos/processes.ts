// Child processes and servers a check starts: all of them end when the check ends, however it ends.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SCRATCH_ENV } from './report.ts'

const children = new Set<ChildProcess>()
const cleanups = new Set<() => void>()

function killEverything(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  children.clear()
  for (const cleanup of cleanups) {
    try {
      cleanup()
    } catch {
      // best effort while exiting: one failing cleanup must not keep the others from running
    }
  }
  cleanups.clear()
}

process.on('exit', killEverything)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    killEverything()
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
  })
}

/**
 * Spawns a child that is SIGKILLed when this process exits (normally, on an uncaught error or a signal).
 * @example const child = spawnTracked(process.execPath, ['server.ts'], { stdio: 'pipe' })
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options)
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

/** Runs `cleanup` synchronously when the process exits, unless `release()` was called first. */
export function onExit(cleanup: () => void): () => void {
  cleanups.add(cleanup)
  return () => cleanups.delete(cleanup)
}

/**
 * A fresh folder for a check's databases, under the runner's scratch folder when there is one; removed when
 * the process exits or by `remove()`.
 * @example const dir = scratchDir('delivery'); const db = join(dir.path, 'chaos.db')
 */
export function scratchDir(name: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(process.env[SCRATCH_ENV] ?? tmpdir(), `nudgekit-chaos-${name}-`))
  const remove = () => rmSync(path, { recursive: true, force: true })
  const release = onExit(remove)
  return {
    path,
    remove() {
      release()
      remove()
    },
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Resolves once `child` has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** Resolves after `ms` milliseconds. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `probe` every `everyMs` until it returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await pause(everyMs)
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
}
