// Worker of the bad-rules check: feeds one seeded slice of hostile rules files to loadRules and reports timings.
import { parentPort, workerData } from 'node:worker_threads'
import fc from 'fast-check'
import { loadRules } from '@nudgekit/rules'
import { rulesCases, type RulesCase } from './arbitraries/rules-text.ts'

/** The message a worker posts when its modules are loaded and the task begins. */
export const STARTED = 'started'

/** What the worker is asked to do: a seeded slice of fuzz cases, or one given case. */
export type WorkerInput =
  | { mode: 'fuzz'; base: string; runs: number; seed: number; limitMs: number }
  | { mode: 'case'; input: RulesCase; limitMs: number }

/** What a worker reports back for one case. */
export interface CaseResult {
  ms: number
  ok: boolean
  error?: string
}

/** What a worker reports back. */
export interface SliceResult {
  runs: number
  /** Loads over the limit that were timed a second time. */
  retimed: number
  valid: number
  throws: number
  maxMs: number
  slowest?: string
  firstThrow?: string
}

/** A short printable form of a rules case. */
export function preview(input: RulesCase): string {
  const text = input.text.length > 200 ? input.text.slice(0, 200) + `… (${input.text.length} chars)` : input.text
  return `${input.filename} ${JSON.stringify(text)}`
}

/** Loads one case, timed; never lets an exception escape. */
function loadOnce(input: RulesCase): { ms: number; ok: boolean; error?: unknown } {
  const started = performance.now()
  try {
    const ok = loadRules(input.text, { filename: input.filename }).ok
    return { ms: performance.now() - started, ok }
  } catch (error) {
    return { ms: performance.now() - started, ok: false, error }
  }
}

/**
 * Loads one case, timed. A load over `limitMs` is timed once more and the faster run counts: on a shared
 * machine a preemption or a GC pause can stretch one run, while a genuinely slow input is slow both times.
 */
export function timedLoad(input: RulesCase, limitMs: number): { ms: number; ok: boolean; error?: unknown; retimed: boolean } {
  const first = loadOnce(input)
  if (first.ms < limitMs || first.error !== undefined) return { ...first, retimed: false }
  const second = loadOnce(input)
  return { ...second, ms: Math.min(first.ms, second.ms), retimed: true }
}

function runSlice(base: string, runs: number, seed: number, limitMs: number): SliceResult {
  const result: SliceResult = { runs, retimed: 0, valid: 0, throws: 0, maxMs: 0 }
  fc.check(
    fc.property(rulesCases(base), (input) => {
      const { ms, ok, error, retimed } = timedLoad(input, limitMs)
      if (retimed) result.retimed++
      if (ok) result.valid++
      if (error !== undefined) {
        result.throws++
        result.firstThrow ??= `${preview(input)}: ${error instanceof Error ? error.stack : String(error)}`
      }
      if (ms > result.maxMs) {
        result.maxMs = ms
        result.slowest = preview(input)
      }
      return true
    }),
    { numRuns: runs, seed },
  )
  return result
}

function runCase(input: RulesCase, limitMs: number): CaseResult {
  const { ms, ok, error } = timedLoad(input, limitMs)
  return { ms, ok, ...(error === undefined ? {} : { error: error instanceof Error ? error.stack ?? error.message : String(error) }) }
}

if (parentPort && workerData) {
  const task = workerData as WorkerInput
  parentPort.postMessage(STARTED)
  parentPort.postMessage(task.mode === 'fuzz' ? runSlice(task.base, task.runs, task.seed, task.limitMs) : runCase(task.input, task.limitMs))
}
