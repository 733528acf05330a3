// The chaos suite's reporter: each check records figures (one printed line each) and the runner tabulates them.
import { appendFileSync } from 'node:fs'

/** One measured outcome of a check, e.g. `delivery under faults: sent 10000, stored 10000, duplicates 0 ✔`. */
export interface Figure {
  check: string
  name: string
  value: string
  ok: boolean
}

export interface Report {
  /** Records and prints a figure; `ok: false` makes the check (and the suite) fail. */
  figure(name: string, value: string, ok: boolean): void
  /** Records a failed figure unless `condition` holds; for pass/fail facts without a number. */
  expect(condition: boolean, name: string, detail: string): void
  /** Figures recorded so far. */
  readonly figures: readonly Figure[]
  readonly failed: boolean
}

/** Environment variable naming the file the runner reads figures from (one JSON object per line). */
export const FIGURES_FILE_ENV = 'NUDGEKIT_CHAOS_FIGURES'

/** Environment variable naming the runner's scratch folder; the runner deletes it even when it had to kill a check. */
export const SCRATCH_ENV = 'NUDGEKIT_CHAOS_SCRATCH'

/**
 * A reporter for one check. Figures go to stdout as they are recorded and, when the runner set
 * `NUDGEKIT_CHAOS_FIGURES`, to that file for the summary table.
 * @example
 * const report = createReport('delivery')
 * report.figure('delivery under faults', `sent ${sent}, stored ${stored}`, stored === sent)
 */
export function createReport(check: string): Report {
  const figures: Figure[] = []
  const file = process.env[FIGURES_FILE_ENV]
  const figure = (name: string, value: string, ok: boolean): void => {
    const entry = { check, name, value, ok }
    figures.push(entry)
    console.log(formatFigure(entry))
    if (file) appendFileSync(file, JSON.stringify(entry) + '\n')
  }
  return {
    figure,
    expect(condition, name, detail) {
      figure(name, detail, condition)
    },
    get figures() {
      return figures
    },
    get failed() {
      return figures.some((entry) => !entry.ok)
    },
  }
}

/** `name: value ✔` (or ✘). */
export function formatFigure(entry: Figure): string {
  return `${entry.name}: ${entry.value} ${entry.ok ? '✔' : '✘'}`
}

/** Seconds with one decimal, for durations in figures. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** Megabytes with one decimal. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
