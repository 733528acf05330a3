// Check: 10,000 random and mutated rules files, plus the worst cases at the 1 MB size limit → loadRules never
// throws and never takes over a second. The fuzzing runs in two worker threads (one per core).
import { readFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import { MAX_RULES_BYTES } from '@nudgekit/rules'
import type { RulesCase } from './arbitraries/rules-text.ts'
import { preview, STARTED, type CaseResult, type SliceResult, type WorkerInput } from './bad-rules-worker.ts'
import type { Report } from './report.ts'

const RUNS = 10_000
const WORKERS = 2
const LIMIT_MS = 1000
/** A worst case still parsing after this long is stopped and reported as over it (the suite has a time budget). */
const CAP_MS = 4000
const SEED = 20_261_123

/** Files at the size limit that are as expensive to read as a file can be. */
function worstCases(base: string): RulesCase[] {
  const fill = (unit: number) => Math.floor((MAX_RULES_BYTES - 64) / unit)
  const nested = (open: string, close: string, inner: string, filename: string): RulesCase => {
    const depth = fill(open.length + close.length)
    return { text: open.repeat(depth) + inner + close.repeat(depth), filename }
  }
  const aliasBomb = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  for (let i = 1; i <= 9; i++) aliasBomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`)
  const blockDepth = Math.floor(Math.sqrt(2 * (MAX_RULES_BYTES - 64)))
  return [
    nested('[', ']', '', 'nested-lists.yaml'),
    nested('{a: ', '}', '1', 'nested-maps.yaml'),
    nested('[', ']', '', 'nested-lists.json'),
    nested('{"a":', '}', '1', 'nested-maps.json'),
    { text: Array.from({ length: blockDepth }, (_, i) => ' '.repeat(i) + 'k:').join('\n').slice(0, MAX_RULES_BYTES - 64), filename: 'nested-blocks.yaml' },
    { text: aliasBomb.join('\n'), filename: 'billion-laughs.yaml' },
    { text: `version: 1\ntitle: "${'x'.repeat(fill(1))}"`, filename: 'one-huge-scalar.yaml' },
    { text: '- a\n'.repeat(fill(4)), filename: 'many-items.yaml' },
    { text: Array.from({ length: fill(12) }, (_, i) => `k${i}: 1`).join('\n').slice(0, MAX_RULES_BYTES - 64), filename: 'many-keys.yaml' },
    { text: base.replace(/title: .*/, `title: "${'y'.repeat(MAX_RULES_BYTES - base.length - 64)}"`), filename: 'huge-title.yaml' },
    { text: 'x'.repeat(MAX_RULES_BYTES * 2), filename: 'over-limit.yaml' },
  ]
}

/**
 * Runs `task` in a worker thread. A worker still busy `capMs` after it started the task (module loading
 * excluded) is terminated and reported as `undefined`.
 */
function inWorker<T>(task: WorkerInput, capMs = Infinity): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bad-rules-worker.ts', import.meta.url), { workerData: task })
    let timer: NodeJS.Timeout | undefined
    worker.on('message', (message: T | typeof STARTED) => {
      if (message === STARTED) {
        if (Number.isFinite(capMs)) timer = setTimeout(() => void worker.terminate().then(() => resolve(undefined)), capMs)
        return
      }
      clearTimeout(timer)
      resolve(message)
      void worker.terminate()
    })
    worker.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

/** Runs `tasks` with at most `parallel` at once, keeping their order. */
async function pooled<T, R>(tasks: readonly T[], parallel: number, run: (task: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < tasks.length) {
        const index = next++
        results[index] = await run(tasks[index]!)
      }
    }),
  )
  return results
}

/** Runs the check; figures go to `report`. */
export default async function badRules(report: Report): Promise<void> {
  const base = readFileSync(new URL('../../examples/rules/acme-crm.yaml', import.meta.url), 'utf8')
  const slices = (await Promise.all(
    Array.from({ length: WORKERS }, (_, i) => inWorker<SliceResult>({ mode: 'fuzz', base, runs: RUNS / WORKERS, seed: SEED + i, limitMs: LIMIT_MS })),
  )) as SliceResult[]
  const fuzz = {
    valid: slices.reduce((sum, s) => sum + s.valid, 0),
    throws: slices.reduce((sum, s) => sum + s.throws, 0),
    maxMs: Math.max(...slices.map((s) => s.maxMs)),
    retimed: slices.reduce((sum, s) => sum + s.retimed, 0),
  }
  const slowestSlice = slices.reduce((a, b) => (b.maxMs > a.maxMs ? b : a))
  report.figure(
    'bad rules files',
    `${RUNS} parsed (${fuzz.valid} still valid), ${fuzz.throws} threw, max ${fuzz.maxMs.toFixed(0)} ms` +
      (fuzz.retimed ? ` (${fuzz.retimed} over 1 s timed twice, the faster run counts)` : ''),
    fuzz.throws === 0 && fuzz.maxMs < LIMIT_MS,
  )
  for (const slice of slices) if (slice.firstThrow) console.error(`first throw: ${slice.firstThrow}`)
  if (fuzz.maxMs >= LIMIT_MS) console.error(`slowest input: ${slowestSlice.slowest}`)

  const worst = await pooled(worstCases(base), WORKERS, async (input) => ({
    input,
    result: await inWorker<CaseResult>({ mode: 'case', input, limitMs: LIMIT_MS }, CAP_MS),
  }))
  const timing = (w: (typeof worst)[number]) => (w.result ? `${w.result.ms.toFixed(0)} ms` : `over ${CAP_MS} ms, stopped`)
  const bad = worst.filter((w) => !w.result || w.result.ms >= LIMIT_MS || w.result.error !== undefined)
  const threw = worst.filter((w) => w.result?.error !== undefined)
  const maxWorst = worst.some((w) => !w.result) ? `over ${CAP_MS}` : Math.max(...worst.map((w) => w.result!.ms)).toFixed(0)
  report.figure(
    'rules files at the 1 MB limit',
    `${worst.length} worst cases, ${threw.length} threw, max ${maxWorst} ms` +
      (bad.length ? ` (${bad.map((w) => `${w.input.filename}: ${timing(w)}`).join(', ')})` : ''),
    bad.length === 0,
  )
  for (const w of threw) console.error(`${preview(w.input)} threw: ${w.result!.error}`)

  const polluted = Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>)['polluted'] !== undefined
  report.expect(!polluted, 'rules prototype pollution', polluted ? 'Object.prototype was changed' : 'Object.prototype untouched')
}
