// The package suite's harness: checks printed as ✔/✘ lines, child processes in a user's environment, ports, polling.
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { createServer } from 'node:net'
import { delimiter, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The workspace root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Ports this suite may listen on. */
const PORTS = { from: 19100, to: 19199 }

let failures = 0
let passes = 0

/** How many checks failed so far. */
export function failed(): number {
  return failures
}

/** How many checks passed so far. */
export function passed(): number {
  return passes
}

/** Counts a failure that is not a check of its own (the suite crashed). */
export function fail(message: string): void {
  failures++
  console.log(`✘ ${message.replace(/\n/g, '\n    ')}`)
}

/**
 * Runs one check and prints ✔ (with the note it returns) or ✘ with what was seen. Returns whether it passed.
 * @example await check('nudgekit --help exits 0', async () => assert.ok((await run(bin, ['--help'], cwd)).code === 0))
 */
export async function check(name: string, body: () => unknown): Promise<boolean> {
  try {
    const note = await body()
    passes++
    console.log(`✔ ${name}${typeof note === 'string' && note ? ` (${note})` : ''}`)
    return true
  } catch (error) {
    fail(`${name}\n${error instanceof Error ? error.message : String(error)}`)
    return false
  }
}

/** Throws the problems as the message when there are any. */
export function none(problems: string[], heading?: string): void {
  if (problems.length) throw new Error(heading ? `${heading}: ${problems.join(', ')}` : problems.join('\n'))
}

/** Thrown by `stop`: the checks after this one cannot run. */
export class Stop extends Error {}

/** Ends the suite early (counted as a failure): `reason` is what the remaining checks needed. */
export function stop(reason: string): never {
  failures++
  console.log(`\n[nudgekit] Stopped: ${reason}. The remaining checks need it.`)
  throw new Stop(reason)
}

export interface Ran {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment of a user's shell: `node` (the pinned Node unless told) first on PATH, so bins and pnpm's
 * engine check use it, and nothing from the workspace: no node_modules/.bin, no NODE_PATH, no NODE_OPTIONS
 * (which could carry `--conditions=@nudgekit/source`), none of the variables the `pnpm run` that started this
 * script set.
 */
export function userEnv(extra: Record<string, string> = {}, node = process.execPath): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(?:npm_(?:package_|lifecycle_|command$|execpath$|node_execpath$|config_local_prefix$)|PNPM_PACKAGE_NAME$|NODE_PATH$|NODE_OPTIONS$|INIT_CWD$)/.test(name),
  )
  const path = (process.env.PATH ?? '').split(delimiter).filter((entry) => entry && !entry.startsWith(ROOT))
  return { ...Object.fromEntries(inherited), PATH: [dirname(node), ...path].join(delimiter), ...extra }
}

/** Runs a command to its end and collects its output; killed after `timeoutMs`. */
export function run(command: string, args: string[], cwd: string, env = userEnv(), timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A finished command's exit code and output (the first `lines`), for a failure message. */
export function shown({ code, stdout, stderr }: Ran, lines = 25): string {
  const text = [stdout.trim() && `stdout:\n${stdout.trim()}`, stderr.trim() && `stderr:\n${stderr.trim()}`].filter(Boolean).join('\n')
  if (!text) return `exit code ${code}, no output`
  const all = text.split('\n')
  return `exit code ${code}\n${all.slice(0, lines).join('\n')}${all.length > lines ? `\n… ${all.length - lines} more lines` : ''}`
}

/** The warnings Node printed (`(node:1234) ExperimentalWarning: …`), one line each. */
export function nodeWarnings(stderr: string): string[] {
  return stderr.match(/^\(node:\d+\) .*Warning: .*$/gm) ?? []
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** A port in 19100–19199 that is free now, tried from a random start (other suites may use the range too). */
export async function freePort(): Promise<number> {
  const size = PORTS.to - PORTS.from + 1
  const start = randomInt(size)
  for (let i = 0; i < size; i++) {
    const port = PORTS.from + ((start + i) % size)
    if (await canListen(port)) return port
  }
  throw new Error(`no free port in ${PORTS.from}–${PORTS.to}`)
}

/** Polls until `ready` returns true, or throws after `ms` with what `describe` says. */
export async function until(ready: () => Promise<boolean> | boolean, ms: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${describe()} (gave up after ${ms / 1000} s)`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
