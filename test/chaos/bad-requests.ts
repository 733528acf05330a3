// Check: 10,000 generated and mutated requests against every endpoint, through the handler directly → no answer
// ≥ 500, /healthz still answers, no prototype pollution, and the heap after GC stays flat.
import { join } from 'node:path'
import fc from 'fast-check'
import { createHandler, sqlite, type Logger } from '@nudgekit/server'
import { describeCase, requestCases, toRequest, type RequestCase } from './arbitraries/requests.ts'
import { scratchDir } from './processes.ts'
import { megabytes, type Report } from './report.ts'
import { exampleRules, PUBLISHABLE_KEY, SECRET_KEY } from './server-process.ts'

const RUNS = 10_000
/** Requests before the first heap reading: module caches, prepared statements and JIT settle first. */
const WARMUP = 1000
const SEED = 20_261_123
/** Growth of the heap after GC (warm-up → end) that still counts as flat. */
const HEAP_SLACK_BYTES = 5 * 1024 * 1024
const ALLOWED_ORIGIN = 'https://app.acme.example'

/**
 * Heap in use after full collections. Collections alternate with event-loop turns: objects kept by a
 * FinalizationRegistry (undici's Request, for one) are only freed after their finalizers ran.
 */
async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('Run with --expose-gc (the chaos runner does).')
  for (let round = 0; round < 4; round++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return process.memoryUsage().heapUsed
}

/** Runs the check; figures go to `report`. */
export default async function badRequests(report: Report): Promise<void> {
  const dir = scratchDir('requests')
  const store = sqlite(join(dir.path, 'fuzz.db'), { synchronous: 'normal' })
  const serverErrors: string[] = []
  const logger: Logger = {
    info() {},
    warn() {},
    error: (message, fields) => void serverErrors.push(`${message} ${JSON.stringify(fields ?? {}).slice(0, 500)}`),
  }
  const handler = createHandler({
    rules: exampleRules(),
    store,
    keys: { publishable: PUBLISHABLE_KEY, secret: SECRET_KEY },
    cors: [ALLOWED_ORIGIN],
    // The limiter would answer most of a fast fuzz with 429 before any route ran; the access check covers it.
    limits: { perSecond: 1e9, burst: 1e9 },
    logger,
  })

  const statuses = new Map<number, number>()
  const failures: { input: RequestCase; status: number; body: string }[] = []
  let unbuildable = 0
  let sent = 0
  let heapBefore = 0

  await fc.check(
    fc.asyncProperty(requestCases({ publishable: PUBLISHABLE_KEY, secret: SECRET_KEY, allowedOrigin: ALLOWED_ORIGIN }), async (input) => {
      let request: Request
      try {
        request = toRequest(input, 'http://127.0.0.1')
      } catch {
        unbuildable++
        return true
      }
      const response = await handler(request, { ip: '127.0.0.1' })
      const body = await response.text()
      sent++
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      if (response.status >= 500 && failures.length < 5) failures.push({ input, status: response.status, body: body.slice(0, 300) })
      if (sent === WARMUP) heapBefore = await heapAfterGc()
      return true
    }),
    { numRuns: RUNS, seed: SEED },
  )
  const heapAfter = await heapAfterGc()

  const health = await handler(new Request('http://127.0.0.1/healthz'), { ip: '127.0.0.1' })
  const polluted = Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>)['polluted'] !== undefined

  const over500 = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0)
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')
  report.figure(
    'bad requests',
    `${sent} sent, ${over500} answered ≥ 500, /healthz ${health.status} (${histogram})`,
    sent === RUNS && over500 === 0 && health.status === 200 && unbuildable === 0,
  )
  report.figure(
    'heap after GC',
    `before ${megabytes(heapBefore)}, after ${megabytes(heapAfter)}`,
    heapAfter - heapBefore < HEAP_SLACK_BYTES,
  )
  report.expect(!polluted, 'request prototype pollution', polluted ? 'Object.prototype was changed' : 'Object.prototype untouched')
  for (const failure of failures) console.error(`${failure.status} for ${describeCase(failure.input)}: ${failure.body}`)
  for (const error of serverErrors.slice(0, 5)) console.error(`server logged: ${error}`)

  handler.close()
  await store.close()
  dir.remove()
}
