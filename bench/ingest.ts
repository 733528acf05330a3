// Ingest throughput: autocannon posts 50-event batches (fresh UUIDv7 ids) to a server on 127.0.0.1; stored = sent is checked.
import autocannon from 'autocannon'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'

export interface IngestResult {
  target: string
  seconds: number
  batches: number
  /** Events acknowledged with 202. */
  sent: number
  /** Events found in the store afterwards (undefined for the floor, which stores nothing). */
  stored?: number
  /**
   * Events of requests still in flight when the load stopped: autocannon drops their answers, but the server
   * may have stored them. An honest run has sent ≤ stored ≤ sent + unanswered.
   */
  unanswered: number
  eventsPerSecond: number
  p50: number
  p99: number
  maxRssMb: number
  non2xx: number
  /** Server CPU time (user + system, all its threads) per 1,000 events sent: steadier than events/s on a shared machine. */
  serverCpuMsPer1k: number
}

export interface IngestTarget {
  name: string
  /** Command and args of the server child; it must listen on `port`. */
  command: string[]
  env?: Record<string, string>
  port: number
  path: string
  headers: Record<string, string>
  /** Counts stored events after the run. */
  count?: () => Promise<number>
}

const BATCH = 50

/**
 * Builds batches by string concatenation so the load generator, which shares the 2 cores with the server,
 * spends as little CPU as possible. Ids are valid UUIDv7s: the batch's millisecond timestamp, version 7,
 * variant 10, and a run-wide counter in the low bits (unique within the run, time-ordered across runs).
 */
function createBatcher(): () => string {
  let counter = 0
  const runTag = Math.floor(Math.random() * 0xfff).toString(16).padStart(3, '0')
  return () => {
    const now = Date.now()
    const t = now.toString(16).padStart(12, '0')
    const prefix = `"${t.slice(0, 8)}-${t.slice(8, 12)}-7${runTag}-8`
    let body = '{"events":['
    for (let i = 0; i < BATCH; i++) {
      const n = counter++
      const c = n.toString(16).padStart(15, '0')
      body +=
        (i ? ',' : '') +
        `{"id":${prefix}${c.slice(0, 3)}-${c.slice(3)}","type":"${n % 10 === 0 ? 'click' : 'impression'}","ts":${now},` +
        `"account":"acct_${n % 5000}","user":"user_${n % 20000}","trigger":"contacts-80","variant":"${n % 2 ? 'control' : 'room'}","placement":"banner"}`
    }
    return body + ']}'
  }
}

async function waitReady(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`[nudgekit] Failed to start the bench server: it exited with ${child.exitCode}.`)
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error('[nudgekit] Failed to start the bench server: no answer on /healthz within 30 s.')
}

/** CPU milliseconds (user + system) a process has used, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmRSS:\s+(\d+) kB/.exec(status)
  return match ? Number(match[1]) / 1024 : 0
}

/** Runs one bounded load against a freshly started server and stops it. */
export async function runIngest(target: IngestTarget, seconds = 10, connections = 16): Promise<IngestResult> {
  const child = spawn(target.command[0]!, target.command.slice(1), {
    env: { ...process.env, ...target.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    await waitReady(child, target.port)
    let maxRss = 0
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(child.pid!))), 200)
    const nextBatch = createBatcher()
    const cpuBefore = cpuMs(child.pid!)
    let accepted = 0
    let dispatched = 0
    let answered = 0
    const result = await autocannon({
      url: `http://127.0.0.1:${target.port}`,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: target.path,
          headers: { 'content-type': 'application/json', ...target.headers },
          setupRequest: (request) => {
            dispatched++
            return { ...request, body: nextBatch() }
          },
          onResponse: (status) => {
            answered++
            if (status === 202) accepted++
          },
        },
      ],
    })
    clearInterval(sampler)
    maxRss = Math.max(maxRss, rssMb(child.pid!))
    const cpuUsed = cpuMs(child.pid!) - cpuBefore
    const stored = target.count ? await target.count() : undefined
    const sent = accepted * BATCH
    return {
      target: target.name,
      seconds: result.duration,
      batches: accepted,
      sent,
      stored,
      unanswered: (dispatched - answered) * BATCH,
      eventsPerSecond: sent / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      maxRssMb: maxRss,
      non2xx: result.non2xx,
      serverCpuMsPer1k: cpuUsed / (sent / 1000),
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))
  }
}
