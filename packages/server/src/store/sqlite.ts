// The embedded store: Node's built-in node:sqlite, WAL journal, one transaction per turn for all pending batches.
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { DailyPoint } from '../stats/types.ts'
import {
  CONVERSION_EXPOSURES_SQL,
  credited,
  EXPOSURE_EVENT_SQL,
  EXPOSURE_TIE_ORDER,
  needsEvents,
  type CreditedExposure,
  type RollupCandidate,
} from './attribution.ts'
import { assembleAggregates, cohortRange, type CohortRow, type ConvertedRow, type CountRow } from './aggregate.ts'
import { groupCommit } from './group-commit.ts'
import { readMigrations } from './migrations.ts'
import { RECORDED_ARMS_SQL } from './recorded-arms.ts'
import { dayOf } from './rollup.ts'
import { walCheckpoints } from './sqlite-checkpoints.ts'
import { sqliteUnavailable } from './sqlite-errors.ts'
import { createIngestCommit, openConnection, type IngestJob } from './sqlite-ingest.ts'
import { sqliteOutbox } from './sqlite-outbox.ts'
import {
  StoreUnavailableError,
  type AccountTriggerState,
  type ConversionResult,
  type IngestResult,
  type Store,
  type TriggerArm,
} from './types.ts'

export interface SqliteOptions {
  /**
   * `full` (default): every commit is fsynced before `ingest` resolves, so an accepted batch survives a
   * power loss. `normal`: WAL commits survive a process crash but the last ones may be lost on power loss,
   * in exchange for faster ingest.
   */
  synchronous?: 'full' | 'normal'
  /** Milliseconds to wait for another process's write lock before failing with 503. Default 5000. */
  busyTimeoutMs?: number
  /**
   * MiB of page cache the store's connection may fill (default 32, SQLite's own is 2): a database larger than
   * its cache reads index pages back from the OS on most inserts. Filled only as pages are read.
   */
  cacheMb?: number
  /** Apply pending migrations on open (default true); `nudgekit migrate` opens with false to report them. */
  migrate?: boolean
}

type Row = Record<string, SQLInputValue>

/**
 * Opens a SQLite database with `node:sqlite` and applies pending migrations. Pass `':memory:'` for tests.
 * Commits happen on the calling thread; once ingest starts, a file's WAL is checkpointed on a worker thread
 * (`walCheckpoints`), so copying the log into the database, and its fsync, no longer block the event loop.
 * `close()` stops the thread.
 *
 * @example
 * const store = sqlite('./nudgekit.db')
 * const handler = createHandler({ rules: './nudgekit.yaml', store, keys })
 */
export function sqlite(path: string, options: SqliteOptions = {}): Store {
  const { cacheMb } = options
  if (cacheMb !== undefined && !(typeof cacheMb === 'number' && cacheMb >= 1 && cacheMb <= 1024 * 1024)) {
    throw new TypeError(`[nudgekit] Failed to open the SQLite store: cacheMb must be a number of MiB from 1 to 1048576, not ${typeof cacheMb === 'number' ? cacheMb : JSON.stringify(cacheMb)}.`)
  }
  const db = openConnection(path, options)

  const cache = new Map<string, StatementSync>()
  const statement = (sql: string): StatementSync => {
    let prepared = cache.get(sql)
    if (!prepared) {
      prepared = db.prepare(sql)
      cache.set(sql, prepared)
    }
    return prepared
  }
  const all = <T>(sql: string, ...params: SQLInputValue[]): T[] => statement(sql).all(...params) as T[]
  const get = <T>(sql: string, ...params: SQLInputValue[]): T | undefined => statement(sql).get(...params) as T | undefined

  const transaction = <T>(work: () => T): T => {
    db.exec('BEGIN IMMEDIATE')
    try {
      const result = work()
      db.exec('COMMIT')
      return result
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * Runs synchronous work as a store call: a database that cannot serve now (locked, disk full, read-only, I/O
   * error; see `sqliteUnavailable`) becomes `StoreUnavailableError`, answered 503 + Retry-After.
   */
  const call = async <T>(work: () => T): Promise<T> => {
    try {
      return work()
    } catch (error) {
      const reason = sqliteUnavailable(error)
      if (reason) throw new StoreUnavailableError(`SQLite database ${reason}: ${(error as Error).message}`, { cause: error })
      throw error
    }
  }

  const migrate = (): string[] =>
    transaction(() => {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
      const applied = new Set(all<{ version: string }>('SELECT version FROM schema_migrations').map((r) => r.version))
      const done: string[] = []
      for (const migration of readMigrations('sqlite')) {
        if (applied.has(migration.version)) continue
        db.exec(migration.sql)
        statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now())
        done.push(migration.version)
      }
      return done
    })
  if (options.migrate !== false) migrate()

  const commit = createIngestCommit(db, statement)
  // An in-memory database has no WAL; a file's is checkpointed on a thread once ingest starts.
  const checkpoints = path === ':memory:' || path === '' ? undefined : walCheckpoints(db, path)
  const ingest = groupCommit(async (jobs: IngestJob[]): Promise<IngestResult[]> => {
    const outcomes = await call(() => commit(jobs))
    checkpoints?.wake()
    return jobs.map((job, i) => {
      const outcome = outcomes[i]!
      const result = { accepted: outcome.accepted, duplicates: outcome.duplicates }
      return job.route ? { ...result, enqueued: outcome.enqueued } : result
    })
  })

  const storedConversion = (id: string): ConversionResult | undefined => {
    const row = get<Row>('SELECT * FROM conversions WHERE id = ?', id)
    return row && conversionResult(row, true)
  }

  const recordConversion: Store['recordConversion'] = (input, windowMs) =>
    call(() =>
      transaction(() => {
        const existing = storedConversion(input.id)
        if (existing) return existing
        const since = input.ts - windowMs
        const rows = all<RollupCandidate>(
          `SELECT trigger, variant, CASE WHEN last_exposed_at <= ?1 THEN last_exposed_at ELSE first_exposed_at END AS exposed_at,
             last_exposed_at > ?1 AS unresolved
           FROM exposures WHERE account = ?2 AND first_exposed_at <= ?1 AND last_exposed_at >= ?3
           ORDER BY exposed_at DESC, ${EXPOSURE_TIE_ORDER.sqlite}`,
          input.ts, input.account, since,
        )
        const event = needsEvents(rows) ? get<CreditedExposure>(EXPOSURE_EVENT_SQL.sqlite, input.account, input.ts, since) : undefined
        const exposure = credited(rows, since, event)
        statement(`INSERT INTO conversions (id, account, target, mrr_delta, ts, trigger, variant, exposed_at, recorded_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(input.id, input.account, input.to, input.mrrDelta, input.ts,
          exposure?.trigger ?? null, exposure?.variant ?? null, exposure?.exposed_at ?? null, Date.now())
        statement(CONVERSION_EXPOSURES_SQL.sqlite).run(input.ts, input.account, since, exposure?.trigger ?? null,
          exposure?.variant ?? null, input.mrrDelta)
        if (exposure) {
          statement(`INSERT INTO daily_counts (day, trigger, variant, conversions, expansion_mrr) VALUES (?, ?, ?, 1, ?)
            ON CONFLICT (day, trigger, variant) DO UPDATE SET conversions = conversions + 1,
            expansion_mrr = expansion_mrr + excluded.expansion_mrr`).run(
            dayOf(input.ts), exposure.trigger, exposure.variant, input.mrrDelta)
          statement(`INSERT INTO account_state (account, trigger, accepted_at) VALUES (?, ?, ?)
            ON CONFLICT (account, trigger) DO UPDATE SET accepted_at = max(coalesce(accepted_at, excluded.accepted_at),
            excluded.accepted_at)`).run(input.account, exposure.trigger, input.ts)
        }
        return { ...storedConversion(input.id)!, duplicate: false }
      }),
    )

  const rangeParams = (filter: { from: number; to: number; trigger?: string }) =>
    filter.trigger === undefined ? [] : [filter.trigger]
  const triggerClause = (filter: { trigger?: string }) => (filter.trigger === undefined ? '' : ' AND trigger = ?')

  return {
    migrate: () => call(migrate),
    ingest: (source, events, options) => ingest({ source, events, route: options?.route }),
    accountState: (account) =>
      call(() =>
        all<Row>('SELECT * FROM account_state WHERE account = ? ORDER BY trigger', account).map(
          (r): AccountTriggerState => ({
            trigger: r.trigger as string,
            impressions: Number(r.impressions),
            lastShownAt: r.last_shown_at as number | null,
            dismissedAt: r.dismissed_at as number | null,
            snoozedAt: r.snoozed_at as number | null,
            acceptedAt: r.accepted_at as number | null,
          }),
        ),
      ),
    recordConversion,
    aggregates: (filter) =>
      call(() => {
        const days = [dayOf(filter.from), dayOf(filter.to - 1)]
        const counts = all<CountRow>(
          `SELECT trigger, variant, sum(impressions) AS impressions, sum(clicks) AS clicks, sum(dismissals) AS dismissals,
           sum(snoozes) AS snoozes, sum(upgrade_requests) AS upgrade_requests
           FROM daily_counts WHERE day >= ? AND day <= ?${triggerClause(filter)}
           GROUP BY trigger, variant`, ...days, ...rangeParams(filter))
        const range = cohortRange(filter)
        const cohorts = all<CohortRow>(
          `SELECT trigger, variant, sum(accounts) AS accounts, sum(converted) AS converted,
           sum(expansion_mrr) AS expansion_mrr, sum(window_converted) AS window_converted FROM (
             SELECT trigger, variant, accounts, converted, expansion_mrr, window_converted FROM cohorts
             WHERE day >= ? AND day < ?${triggerClause(filter)}
             UNION ALL
             SELECT trigger, variant, 1, converted_at IS NOT NULL, expansion_mrr, window_converted_at IS NOT NULL FROM exposures
             WHERE ((first_exposed_at >= ? AND first_exposed_at < ?) OR (first_exposed_at >= ? AND first_exposed_at < ?))
             ${triggerClause(filter)})
           GROUP BY trigger, variant`,
          range.fromDay, range.toDay, ...rangeParams(filter), ...range.edges, ...rangeParams(filter))
        const converted = all<ConvertedRow>(
          `SELECT trigger, variant, converted_at - first_exposed_at AS ms FROM exposures WHERE converted_at IS NOT NULL
           AND first_exposed_at >= ? AND first_exposed_at < ?${triggerClause(filter)}`,
          filter.from, filter.to, ...rangeParams(filter))
        return assembleAggregates(counts, cohorts, converted)
      }),
    daily: (filter) =>
      call(() =>
        all<DailyPoint>(
          `SELECT day, trigger, sum(impressions) AS impressions, sum(clicks) AS clicks, sum(conversions) AS conversions
           FROM daily_counts WHERE day >= ? AND day <= ? AND variant <> 'holdout'${triggerClause(filter)}
           GROUP BY day, trigger ORDER BY day, trigger`, dayOf(filter.from), dayOf(filter.to - 1), ...rangeParams(filter),
        ).map((r) => ({ ...r })),
      ),
    // Eligible since `since`, per trigger (a range of eligibility_window, triggers found by skipping through
    // that index), minus those of the converted accounts whose latest conversion came after they became
    // eligible: work in proportion to the window and to the converted accounts, not to every eligible row.
    eligibleAccounts: (since) =>
      call(() =>
        all<{ trigger: string; accounts: number }>(
          `WITH RECURSIVE triggers (trigger) AS (
             SELECT min(trigger) FROM eligibility
             UNION ALL SELECT (SELECT min(trigger) FROM eligibility WHERE trigger > triggers.trigger) FROM triggers WHERE trigger IS NOT NULL),
           converted (trigger, accounts) AS (
             SELECT e.trigger, count(*) FROM (SELECT account, max(ts) AS last FROM conversions GROUP BY account) c
               JOIN eligibility e ON e.account = c.account
             WHERE e.last_eligible_at >= ?1 AND c.last >= e.first_eligible_at GROUP BY e.trigger)
           SELECT t.trigger, (SELECT count(*) FROM eligibility e WHERE e.trigger = t.trigger AND e.last_eligible_at >= ?1)
               - coalesce((SELECT accounts FROM converted WHERE converted.trigger = t.trigger), 0) AS accounts
           FROM triggers t WHERE t.trigger IS NOT NULL ORDER BY t.trigger`, since)
          .filter((r) => r.accounts > 0)
          .map((r) => ({ ...r })),
      ),
    recordedArms: () => call(() => all<TriggerArm>(RECORDED_ARMS_SQL).map((r) => ({ ...r }))),
    ...sqliteOutbox({ statement, transaction, call }),
    ping: () => call(() => void get('SELECT 1')),
    close: async () => {
      await checkpoints?.close()
      if (db.isOpen) db.close()
    },
  }
}

function conversionResult(row: Row, duplicate: boolean): ConversionResult {
  return {
    id: row.id as string,
    account: row.account as string,
    to: row.target as string,
    mrrDelta: row.mrr_delta as number,
    ts: row.ts as number,
    attribution:
      row.trigger === null
        ? null
        : { trigger: row.trigger as string, variant: row.variant as string, exposedAt: row.exposed_at as number },
    duplicate,
  }
}
