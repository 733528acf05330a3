// SQLite ingest: every batch pending in a turn stored in one transaction, rollups summed and upserted once per key.
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { computeDeltas } from './rollup.ts'
import { enqueueDelivery } from './sqlite-outbox.ts'
import type { NudgeEvent, RouteEvents } from './types.ts'

export interface SqliteConnectionOptions {
  synchronous?: 'full' | 'normal'
  busyTimeoutMs?: number
  /** SQLite's page cache of the connection, in MiB (see `SqliteOptions.cacheMb`). */
  cacheMb?: number
}

/**
 * The page cache a connection may fill, in MiB, in place of SQLite's 2 MiB. Ingest inserts into indexes keyed by
 * account (exposures, account state, the exposure lookup), so once a database outgrows the cache nearly every
 * insert reads a page back from the OS. Measured with the stats-at-scale generator (3M events, 730 MB file):
 * 13.0k and 12.2k events/s stored with 2 MiB, 15.5k with 32 MiB, 16.4k and 15.7k with 64 MiB; 64 MiB took the
 * server's peak RSS on the ingest bench over 200 MB (218 MB; 189 MB with 32). It is filled only as pages are read.
 */
export const DEFAULT_CACHE_MB = 32

/** One caller's batch in a turn. */
export interface IngestJob {
  source: string
  events: readonly NudgeEvent[]
  /** The webhooks of the job's newly stored events, enqueued in the turn's transaction. */
  route?: RouteEvents
}

/** What a turn did with one job: the job's own events it stored, ordered by id. */
export interface JobOutcome {
  accepted: NudgeEvent[]
  duplicates: number
  /** Deliveries its route put in the outbox. */
  enqueued: number
}

/**
 * Node's `node:sqlite`, loaded on first use rather than imported, so an app that uses the PostgreSQL store never
 * loads it, and without the warning Node 22 and 24 print on loading it ("SQLite is an experimental feature"):
 * nudgekit's own tests cover the behaviour it relies on, and the warning would only tell its users to worry.
 * Every other warning still shows.
 * @example const { DatabaseSync } = loadSqlite()
 */
export function loadSqlite(): typeof import('node:sqlite') {
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: never[]) => {
    if (!String(warning).startsWith('SQLite is an experimental feature')) emitWarning.call(process, warning, ...rest)
  }) as typeof process.emitWarning
  try {
    return process.getBuiltinModule('node:sqlite')
  } finally {
    process.emitWarning = emitWarning
  }
}

/**
 * Opens a connection with nudgekit's settings: WAL journal, the chosen synchronous level, a busy timeout, a page cache.
 * @example const db = openConnection('nudgekit.db', { synchronous: 'full' })
 */
export function openConnection(path: string, options: SqliteConnectionOptions): DatabaseSync {
  const { DatabaseSync } = loadSqlite()
  const db = new DatabaseSync(path)
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'};
    PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}; PRAGMA foreign_keys = ON;
    PRAGMA cache_size = ${-Math.trunc((options.cacheMb ?? DEFAULT_CACHE_MB) * 1024)};`)
  return db
}

const insertEvent = `INSERT INTO events (source, id, type, ts, received_at, account, user_id, trigger, variant,
    placement, metric, value, feature, event, props) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING`
const upsertDaily = `INSERT INTO daily_counts (day, trigger, variant, impressions, clicks, dismissals, snoozes,
    upgrade_requests, holdouts, eligible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (day, trigger, variant) DO UPDATE SET impressions = impressions + excluded.impressions,
    clicks = clicks + excluded.clicks, dismissals = dismissals + excluded.dismissals,
    snoozes = snoozes + excluded.snoozes, upgrade_requests = upgrade_requests + excluded.upgrade_requests,
    holdouts = holdouts + excluded.holdouts, eligible = eligible + excluded.eligible`
const upsertExposure = `INSERT INTO exposures (trigger, variant, account, first_exposed_at, last_exposed_at, exposures)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trigger, variant, account) DO UPDATE SET
    first_exposed_at = min(first_exposed_at, excluded.first_exposed_at),
    last_exposed_at = max(last_exposed_at, excluded.last_exposed_at), exposures = exposures + excluded.exposures`
/**
 * The common case of an exposure delta: the row exists and its first exposure is not later than the delta's.
 * This leaves `first_exposed_at` out of the SET, so SQLite skips the two indexes on it; when no row matches,
 * the full upsert runs. Measured on the bench's workload: SQLite's exposure time ~10 → ~6.7 ms per 1,000 events.
 */
const updateExposure = `UPDATE exposures SET last_exposed_at = max(last_exposed_at, ?), exposures = exposures + ?
    WHERE trigger = ? AND variant = ? AND account = ? AND first_exposed_at <= ?`
const upsertState = `INSERT INTO account_state (account, trigger, impressions, last_shown_at, dismissed_at, snoozed_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, trigger) DO UPDATE SET
    impressions = impressions + excluded.impressions,
    last_shown_at = max(coalesce(last_shown_at, excluded.last_shown_at), coalesce(excluded.last_shown_at, last_shown_at)),
    dismissed_at = max(coalesce(dismissed_at, excluded.dismissed_at), coalesce(excluded.dismissed_at, dismissed_at)),
    snoozed_at = max(coalesce(snoozed_at, excluded.snoozed_at), coalesce(excluded.snoozed_at, snoozed_at))`
const upsertEligibility = `INSERT INTO eligibility (trigger, account, first_eligible_at, last_eligible_at)
    VALUES (?, ?, ?, ?) ON CONFLICT (trigger, account) DO UPDATE SET
    first_eligible_at = min(first_eligible_at, excluded.first_eligible_at),
    last_eligible_at = max(last_eligible_at, excluded.last_eligible_at)`

/**
 * The commit of one turn on `db`, its statements from `statement` (the store's cache, which prepares a statement
 * on first use, so a store opened before its migrations ran still works once they have): events inserted with
 * ON CONFLICT DO NOTHING (a change means newly stored), each job's routed webhooks of its newly stored events
 * enqueued, then the rollup deltas of all newly stored events, one upsert per key. Throws (after rolling back) when
 * any statement or route fails, so no job of the turn is stored (`groupCommit` then commits them one at a time).
 *
 * @example
 * const commit = createIngestCommit(db, statement)
 * commit([{ source: '5f2c…', events, route }]) // [{ accepted: [events[0], events[1]], duplicates: 0, enqueued: 1 }]
 */
export function createIngestCommit(db: DatabaseSync, statement: (sql: string) => StatementSync): (jobs: readonly IngestJob[]) => JobOutcome[] {
  const store = (jobs: readonly IngestJob[]): JobOutcome[] => {
    const insert = statement(insertEvent)
    const daily = statement(upsertDaily)
    const exposure = statement(upsertExposure)
    const exposureUpdate = statement(updateExposure)
    const state = statement(upsertState)
    const eligibility = statement(upsertEligibility)
    const receivedAt = Date.now()
    const stored: NudgeEvent[] = []
    const outcomes = jobs.map(({ source, events, route }): JobOutcome => {
      const unique = firstById(events)
      const accepted: NudgeEvent[] = []
      for (const i of unique) {
        const e = events[i]!
        const { changes } = insert.run(source, e.id, e.type, e.ts, receivedAt, e.account, e.user, e.trigger ?? null,
          e.variant ?? null, e.placement ?? null, e.metric ?? null, e.value ?? null, e.feature ?? null,
          e.event ?? null, e.props === undefined ? null : JSON.stringify(e.props))
        if (changes > 0) {
          accepted.push(e)
          stored.push(e)
        }
      }
      let enqueued = 0
      if (route && accepted.length > 0) {
        for (const delivery of route(accepted)) if (enqueueDelivery(statement, delivery)) enqueued++
      }
      return { accepted, duplicates: events.length - accepted.length, enqueued }
    })
    const deltas = computeDeltas(stored)
    for (const d of deltas.daily) {
      daily.run(d.day, d.trigger, d.variant, d.impressions, d.clicks, d.dismissals, d.snoozes, d.upgrade_requests,
        d.holdouts, d.eligible)
    }
    for (const d of deltas.exposures) {
      const { changes } = exposureUpdate.run(d.last_exposed_at, d.exposures, d.trigger, d.variant, d.account, d.first_exposed_at)
      if (changes === 0) exposure.run(d.trigger, d.variant, d.account, d.first_exposed_at, d.last_exposed_at, d.exposures)
    }
    for (const d of deltas.accountState) {
      state.run(d.account, d.trigger, d.impressions, d.last_shown_at, d.dismissed_at, d.snoozed_at)
    }
    for (const d of deltas.eligibility) {
      eligibility.run(d.trigger, d.account, d.first_eligible_at, d.last_eligible_at)
    }
    return outcomes
  }

  return (jobs) => {
    db.exec('BEGIN IMMEDIATE')
    try {
      const outcomes = store(jobs)
      db.exec('COMMIT')
      return outcomes
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw error
    }
  }
}

/** Indexes of the first event of each id, ordered by id (UUIDv7: creation order, and one lock order). */
function firstById(events: readonly NudgeEvent[]): number[] {
  const first = new Map<string, number>()
  events.forEach((e, i) => {
    if (!first.has(e.id)) first.set(e.id, i)
  })
  return [...first.values()].sort((a, b) => {
    const x = events[a]!.id
    const y = events[b]!.id
    return x < y ? -1 : x > y ? 1 : 0
  })
}
