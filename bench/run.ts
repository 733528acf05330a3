// `pnpm bench`: every benchmark in one run, written to bench/RESULTS.md (machine, versions, medians, ratios).
// Benchmarks measure and report; goals are printed next to the numbers, never asserted.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { runIngest, type IngestResult } from './ingest.ts'
import { BENCH_DATABASE_URL, floorTarget, postgresTarget, psql, sqliteTarget, withPostgresSchema } from './ingest-targets.ts'
import { runSdkRuntime } from './sdk-runtime.ts'
import { measureBreakdown } from './size-breakdown.ts'
import { measureSizes, versionOf } from './sizes.ts'
import { runStatsScale } from './stats-scale.ts'

const ROOT = new URL('..', import.meta.url).pathname
const node = process.execPath
const seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 10)
const only = process.argv.slice(2)
const wanted = (part: string) => only.length === 0 || only.includes(part)

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n')

const sections: string[] = []
const log = (text: string) => console.log(text)

function machine(): string {
  let postgresVersion = '?'
  try {
    postgresVersion = psql(BENCH_DATABASE_URL, 'show server_version').trim()
  } catch {
    // psql or the database missing: the PostgreSQL rows say so below
  }
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, RAM ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux`,
    `- Node ${process.version}, SQLite ${(new DatabaseSync(':memory:').prepare('select sqlite_version() v').get() as { v: string }).v}, PostgreSQL ${postgresVersion}`,
    ...['@nudgekit/sdk', '@growthbook/growthbook', 'autocannon'].map((name) => `- ${name} ${versionOf(name)}`),
    '- The machine is shared and noisy: compare ratios measured in the same run, not absolute numbers across runs.',
  ].join('\n')
}

async function sizes(): Promise<void> {
  log('▶ bundle sizes')
  const rows = await measureSizes()
  const breakdown = await measureBreakdown()
  sections.push(
    '## Bundle sizes\n\nesbuild, ESM (IIFE for the script-tag build), browser, minified, gzip -9; peers bundled the same way in the same run.\n\n' +
      table(['bundle', 'version', 'minified', 'gzip', 'goal'], rows.map((row) => [row.name, row.version, kb(row.minified), kb(row.gzip), row.budget ? `${kb(row.budget)} ${row.gzip <= row.budget ? '✔' : '✘'}` : ''])) +
      `\n\n### Where the bytes of createNudge go\n\nEach part's cost at the margin: the SDK bundle (${kb(breakdown.total.gzip)} gzip) bundled again with that part's modules replaced by empty stand-ins (\`bench/size-breakdown.ts\`). Shared helpers count in more than one row, so the rows overlap.\n\n` +
      table(['part', 'gzip', 'minified'], breakdown.rows.map((row) => [row.part, `${fmt(row.gzip)} B`, `${fmt(row.minified)} B`])),
  )
}

function evaluation(): void {
  log('▶ rules evaluation')
  const output = execFileSync(node, ['--conditions=@nudgekit/source', join(ROOT, 'bench/rules.bench.ts')], { encoding: 'utf8', cwd: ROOT })
  sections.push('## Evaluation\n\n100 triggers re-evaluated after one change (goal ≤ 3 µs median for the full re-evaluation), same process as a hand-written-predicate floor and GrowthBook.\n\n```\n' + output.trim() + '\n```')
}

function ingestRow(result: IngestResult): string[] {
  const honest = result.stored !== undefined && result.stored >= result.sent && result.stored <= result.sent + result.unanswered
  const stored = result.stored === undefined ? 'n/a (floor stores nothing)' : `${fmt(result.stored)} ${honest ? '✔' : '✘'}`
  return [result.target, fmt(result.eventsPerSecond), `${fmt(result.serverCpuMsPer1k, 1)} ms`, `${result.p50} ms`, `${result.p99} ms`, `${fmt(result.maxRssMb)} MB`, fmt(result.sent), stored, String(result.non2xx)]
}

async function ingest(): Promise<void> {
  log('▶ ingest')
  const rows = [ingestRow(await runIngest(floorTarget(), seconds))]
  const dir = mkdtempSync(join(tmpdir(), 'nudgekit-bench-'))
  try {
    rows.push(ingestRow(await runIngest(sqliteTarget(join(dir, 'ingest.db')), seconds)))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    rows.push(ingestRow(await withPostgresSchema(BENCH_DATABASE_URL, 'nudgekit_bench', (schema) => runIngest(postgresTarget(BENCH_DATABASE_URL, schema), seconds))))
  } catch (error) {
    rows.push(['nudgekit serve (PostgreSQL)', `not measured: ${(error as Error).message}`, '', '', '', '', '', '', ''])
  }
  sections.push(
    `## Ingest\n\nautocannon, 16 connections, ${seconds} s, 50-event batches with UUIDv7 ids, against a server on 127.0.0.1 started as a child process; the loader shares the 2 cores with the server. Goals: ≥ 150k events/s stored on SQLite with p99 < 25 ms, ≥ 50k on PostgreSQL, RSS < 200 MB. "stored" is counted in the database after the run and must satisfy sent ≤ stored ≤ sent + batches still in flight when the load stopped. "server CPU" is the server process's user + system time per 1,000 events acknowledged, steadier than events/s on this shared machine.\n\n` +
      table(['server', 'events/s (202)', 'server CPU / 1k events', 'p50', 'p99', 'max RSS', 'sent', 'stored', 'non-2xx'], rows),
  )
}

async function stats(): Promise<void> {
  const events = Number(process.env.BENCH_STATS_EVENTS ?? 10_000_000)
  log(`▶ stats at scale (${fmt(events)} events)`)
  const result = await runStatsScale(events)
  sections.push(
    `## Stats at scale\n\n${fmt(result.events)} generated events (90 days, 200k accounts, 6 triggers × 2 variants, 10 % holdout) in the SQLite store, then \`GET /v1/stats\` over the whole range through the handler, ${25} times, and \`GET /v1/forecast\` (which the dashboard also draws) as many times. Goal: stats median < 50 ms.\n\n` +
      table(['events', 'store ingest', 'database', 'stats median', 'min–max', 'rows', 'forecast median (max)'], [[fmt(result.events), `${fmt(result.ingestPerSecond)} events/s (${fmt(result.ingestSeconds, 1)} s)`, `${fmt(result.dbMb)} MB`, `${fmt(result.statsMedianMs, 2)} ms`, `${fmt(result.statsMinMs, 2)}–${fmt(result.statsMaxMs, 2)} ms`, String(result.rows), `${fmt(result.forecastMedianMs, 1)} ms (${fmt(result.forecastMaxMs, 1)} ms)`]]),
  )
}

async function sdkRuntime(): Promise<void> {
  const events = Number(process.env.BENCH_SDK_EVENTS ?? 1_000_000)
  log('▶ SDK runtime')
  const result = await runSdkRuntime(10_000, events)
  sections.push(
    `## SDK runtime (jsdom)\n\n10k \`setUsage\` calls on the main thread, then ${fmt(events)} \`track\` events queued and flushed (500 per flush) with heap measured after forced GC.\n\n` +
      table(['10k setUsage total', 'per call', 'events delivered', 'heap at 25 % → 100 %', 'retained growth'], [[`${fmt(result.setUsageTotalMs, 1)} ms`, `${fmt(result.setUsagePerCallUs, 1)} µs`, fmt(result.eventsDelivered), result.heapMb.slice(1).map((h) => fmt(h.mb, 1)).join(' → ') + ' MB', `${fmt(result.retainedGrowthMb, 2)} MB`]]),
  )
}

if (wanted('sizes')) await sizes()
if (wanted('evaluation')) evaluation()
if (wanted('ingest')) await ingest()
if (wanted('stats')) await stats()
if (wanted('sdk')) await sdkRuntime()

// What limits each missed goal: analysis written by hand in bench/goals.md, next to the figures it explains.
sections.push(readFileSync(join(ROOT, 'bench/goals.md'), 'utf8').trim())

/**
 * A partial run (`pnpm bench sizes`) replaces only its own sections of the existing results and keeps the
 * others, each section being a `## ` heading and what follows it.
 */
function mergeSections(previous: string, fresh: string[]): string[] {
  const heading = (section: string) => section.slice(0, section.indexOf('\n'))
  const kept = previous.split(/\n(?=## )/).slice(1).map((section) => section.trim())
  const byHeading = new Map(fresh.map((section) => [heading(section), section]))
  const merged = kept.map((section) => byHeading.get(heading(section)) ?? section)
  return [...merged, ...fresh.filter((section) => !kept.some((old) => heading(old) === heading(section)))]
}

const out = join(ROOT, 'bench/RESULTS.md')
const previous = only.length && existsSync(out) ? readFileSync(out, 'utf8') : ''
const body = previous ? mergeSections(previous, sections) : sections
const parts = only.length ? ` (this time: ${only.join(', ')}; the other sections are from an earlier run)` : ''
writeFileSync(out, `# nudgekit benchmarks\n\nWritten by \`pnpm bench\`${parts}.\n\n${machine()}\n\n${body.join('\n\n')}\n`)
log(`\nwrote ${out}`)
