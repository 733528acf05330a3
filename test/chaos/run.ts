// `pnpm test:chaos`: runs every chaos check in its own process, in sequence, and prints the figures table.
// `run.ts delivery xss` runs only those checks; `run.ts --list` lists them.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHECKS, type Check } from './checks.ts'
import { FIGURES_FILE_ENV, formatFigure, SCRATCH_ENV, type Figure } from './report.ts'

const args = process.argv.slice(2)
if (args.includes('--list')) {
  for (const check of CHECKS) console.log(`${check.name.padEnd(16)} ${check.title}`)
  process.exit(0)
}
const unknown = args.filter((name) => !CHECKS.some((check) => check.name === name))
if (unknown.length) {
  console.error(`[nudgekit] Unknown chaos check ${unknown.map((n) => `'${n}'`).join(', ')}. Run with --list to see them.`)
  process.exit(2)
}
const selected = args.length ? CHECKS.filter((check) => args.includes(check.name)) : CHECKS

const workdir = mkdtempSync(join(tmpdir(), 'nudgekit-chaos-'))
const figuresFile = join(workdir, 'figures.jsonl')
const entry = fileURLToPath(new URL('./check.ts', import.meta.url))
let running: number | undefined

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (running) killGroup(running)
    rmSync(workdir, { recursive: true, force: true })
    process.exit(130)
  })
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // the group is already gone
  }
}

interface Outcome {
  check: Check
  ok: boolean
  ms: number
  note?: string
}

/** Runs a check in its own process group so a timeout can kill it together with every server it started. */
function runCheck(check: Check): Promise<Outcome> {
  const started = performance.now()
  console.log(`\n▶ ${check.name}: ${check.title}`)
  const child = spawn(
    process.execPath,
    ['--conditions=@nudgekit/source', '--disable-warning=ExperimentalWarning', '--expose-gc', entry, check.name],
    { stdio: 'inherit', detached: true, env: { ...process.env, [FIGURES_FILE_ENV]: figuresFile, [SCRATCH_ENV]: workdir } },
  )
  running = child.pid
  return new Promise((resolve) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid) killGroup(child.pid)
    }, check.budgetMs)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (child.pid) killGroup(child.pid)
      running = undefined
      const ms = performance.now() - started
      const note = timedOut ? `killed after its ${check.budgetMs / 1000} s budget` : code !== 0 ? `exited ${code ?? signal}` : undefined
      resolve({ check, ok: code === 0 && !timedOut, ms, ...(note ? { note } : {}) })
    })
  })
}

const outcomes: Outcome[] = []
for (const check of selected) outcomes.push(await runCheck(check))

let figures: Figure[] = []
try {
  figures = readFileSync(figuresFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Figure)
} catch {
  // no check recorded anything: the outcomes below say why
}
rmSync(workdir, { recursive: true, force: true })

console.log('\nChaos figures')
for (const outcome of outcomes) {
  const mark = outcome.ok ? '✔' : '✘'
  console.log(`${mark} ${outcome.check.name.padEnd(16)} ${(outcome.ms / 1000).toFixed(1).padStart(6)} s${outcome.note ? `  (${outcome.note})` : ''}`)
  for (const figure of figures.filter((f) => f.check === outcome.check.name)) console.log(`    ${formatFigure(figure)}`)
}
const total = outcomes.reduce((sum, outcome) => sum + outcome.ms, 0)
const failed = outcomes.filter((outcome) => !outcome.ok)
console.log(`\n${outcomes.length - failed.length}/${outcomes.length} checks passed in ${(total / 1000).toFixed(1)} s`)
if (failed.length) {
  console.error(`[nudgekit] Chaos suite failed: ${failed.map((o) => o.check.name).join(', ')}.`)
  process.exit(1)
}
