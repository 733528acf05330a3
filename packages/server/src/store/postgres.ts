// The production store: PostgreSQL through the `postgres` driver; any number of stateless servers share it.
import pg from 'postgres'
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
import { readMigrations } from './migrations.ts'
import { codeOf, isRetryable, isUnavailable } from './postgres-errors.ts'
import { postgresIngest } from './postgres-ingest.ts'
import { postgresOutbox } from './postgres-outbox.ts'
import { RECORDED_ARMS_SQL } from './recorded-arms.ts'
import { dayOf } from './rollup.ts'
import {
  StoreUnavailableError,
  type AccountTriggerState,
  type ConversionResult,
  type Store,
  type TriggerArm,
} from './types.ts'
import type { DailyPoint, StatsFilter } from '../stats/types.ts'

export interface PostgresOptions {
  /** Schema for nudgekit's tables (created by `migrate()`). Default: the connection's search_path (public). */
  schema?: string
  /** Connections in the pool. Default 10. */
  max?: number
  /** Seconds to wait for a connection before answering 503. Default 5. */
  connectTimeoutSec?: number
}

type Sql = pg.Sql<{ bigint: number }>

/**
 * Connects to PostgreSQL. Tables are created by `await store.migrate()` (or `nudgekit migrate`), which
 * takes an advisory lock so several instances may start at once.
 *
 * @example
 * const store = postgres(process.env.NUDGEKIT_DATABASE_URL!)
 * await store.migrate()
 */
export function postgres(url: string, options: PostgresOptions = {}): Store {
  const schema = options.schema
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Failed to configure PostgreSQL: schema '${schema}' is not a plain lower-case identifier. Use letters, digits and _.`)
  }
  const sql: Sql = pg(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSec ?? 5,
    idle_timeout: 30,
    onnotice: () => {},
    transform: { undefined: null },
    types: { bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (raw: string) => Number(raw) } },
    ...(schema ? { connection: { search_path: schema } } : {}),
  })

  /** Runs a store call: an unavailable database becomes `StoreUnavailableError`; deadlocks are retried. */
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work()
      } catch (error) {
        if (isRetryable(error) && attempt < 5) continue
        if (isUnavailable(error)) {
          throw new StoreUnavailableError(`PostgreSQL is unavailable: ${(error as Error).message}`, { cause: error, code: codeOf(error) })
        }
        throw error
      }
    }
  }

  const migrate = () =>
    call(() =>
      sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${'nudgekit_migrate:' + (schema ?? '')}))`
        if (schema) await tx.unsafe(`create schema if not exists ${schema}`)
        else await createSearchPathSchema(tx)
        await tx`create table if not exists schema_migrations (version text primary key, applied_at bigint not null)`
        const applied = new Set((await tx<{ version: string }[]>`select version from schema_migrations`).map((r) => r.version))
        const done: string[] = []
        for (const migration of readMigrations('postgres')) {
          if (applied.has(migration.version)) continue
          await tx.unsafe(migration.sql)
          await tx`insert into schema_migrations (version, applied_at) values (${migration.version}, ${Date.now()})`
          done.push(migration.version)
        }
        return done
      }),
    )

  const ingest = postgresIngest(sql, call)

  const recordConversion: Store['recordConversion'] = (input, windowMs) =>
    call(() =>
      sql.begin(async (tx) => {
        const stored = async (duplicate: boolean) => {
          const [row] = await tx<ConversionRow[]>`select * from conversions where id = ${input.id}`
          return row && conversionResult(row, duplicate)
        }
        const existing = await stored(true)
        if (existing) return existing
        const since = input.ts - windowMs
        const rows = await tx<RollupCandidate[]>`select trigger, variant,
            case when last_exposed_at <= ${input.ts} then last_exposed_at else first_exposed_at end as exposed_at,
            last_exposed_at > ${input.ts} as unresolved
          from exposures where account = ${input.account} and first_exposed_at <= ${input.ts} and last_exposed_at >= ${since}
          order by exposed_at desc, ${tx.unsafe(EXPOSURE_TIE_ORDER.postgres)}`
        const [event] = needsEvents(rows)
          ? await tx.unsafe<CreditedExposure[]>(EXPOSURE_EVENT_SQL.postgres, [input.account, input.ts, since])
          : []
        const exposure = credited(rows, since, event)
        const inserted = await tx`insert into conversions
          (id, account, target, mrr_delta, ts, trigger, variant, exposed_at, recorded_at) values
          (${input.id}, ${input.account}, ${input.to}, ${input.mrrDelta}, ${input.ts}, ${exposure?.trigger ?? null},
           ${exposure?.variant ?? null}, ${exposure?.exposed_at ?? null}, ${Date.now()})
          on conflict (id) do nothing returning id`
        // Another instance recorded the same id first: its answer stands.
        if (inserted.length === 0) return (await stored(true))!
        // Rows locked in ingest's order (account_state, exposures by key with their cohorts, then the day's counts),
        // so a conversion and an ingest touching the same account cannot deadlock.
        if (exposure) {
          await tx`insert into account_state (account, trigger, accepted_at) values (${input.account}, ${exposure.trigger}, ${input.ts})
            on conflict (account, trigger) do update set accepted_at = greatest(account_state.accepted_at, excluded.accepted_at)`
        }
        await tx`select 1 from exposures where account = ${input.account}
          order by trigger collate "C", variant collate "C" for update`
        await tx.unsafe(CONVERSION_EXPOSURES_SQL.postgres, [input.ts, input.account, since, exposure?.trigger ?? null,
          exposure?.variant ?? null, input.mrrDelta])
        if (exposure) {
          await tx`insert into daily_counts (day, trigger, variant, conversions, expansion_mrr)
            values (${dayOf(input.ts)}, ${exposure.trigger}, ${exposure.variant}, 1, ${input.mrrDelta})
            on conflict (day, trigger, variant) do update set conversions = daily_counts.conversions + 1,
            expansion_mrr = daily_counts.expansion_mrr + excluded.expansion_mrr`
        }
        return (await stored(false))!
      }),
    )

  const days = (filter: StatsFilter) => [dayOf(filter.from), dayOf(filter.to - 1)] as const
  const byTrigger = (filter: StatsFilter) => (filter.trigger === undefined ? sql`` : sql`and trigger = ${filter.trigger}`)

  return {
    migrate,
    ingest,
    recordConversion,
    accountState: (account) =>
      call(async () =>
        (await sql<StateRow[]>`select * from account_state where account = ${account} order by trigger`).map(
          (r): AccountTriggerState => ({
            trigger: r.trigger,
            impressions: r.impressions,
            lastShownAt: r.last_shown_at,
            dismissedAt: r.dismissed_at,
            snoozedAt: r.snoozed_at,
            acceptedAt: r.accepted_at,
          }),
        ),
      ),
    aggregates: (filter) =>
      call(async () => {
        const [fromDay, toDay] = days(filter)
        const range = cohortRange(filter)
        // One snapshot for the three reads, so a batch committing in between cannot skew one against another.
        const [counts, cohorts, converted] = await sql.begin('isolation level repeatable read read only', (tx) => [
          tx<CountRow[]>`select trigger, variant, sum(impressions)::bigint as impressions, sum(clicks)::bigint as clicks,
            sum(dismissals)::bigint as dismissals, sum(snoozes)::bigint as snoozes,
            sum(upgrade_requests)::bigint as upgrade_requests
            from daily_counts where day >= ${fromDay}::date and day <= ${toDay}::date ${byTrigger(filter)}
            group by trigger, variant`,
          tx<CohortRow[]>`select trigger, variant, sum(accounts)::bigint as accounts, sum(converted)::bigint as converted,
            sum(expansion_mrr) as expansion_mrr, sum(window_converted)::bigint as window_converted from (
              select trigger, variant, accounts, converted, expansion_mrr, window_converted from cohorts
              where day >= ${range.fromDay}::date and day < ${range.toDay}::date ${byTrigger(filter)}
              union all
              select trigger, variant, 1, (converted_at is not null)::int, expansion_mrr,
                (window_converted_at is not null)::int from exposures
              where ((first_exposed_at >= ${range.edges[0]} and first_exposed_at < ${range.edges[1]})
                or (first_exposed_at >= ${range.edges[2]} and first_exposed_at < ${range.edges[3]})) ${byTrigger(filter)}
            ) cohort group by trigger, variant`,
          tx<ConvertedRow[]>`select trigger, variant, converted_at - first_exposed_at as ms from exposures
            where converted_at is not null and first_exposed_at >= ${filter.from} and first_exposed_at < ${filter.to}
            ${byTrigger(filter)}`,
        ])
        return assembleAggregates([...counts], [...cohorts], [...converted])
      }),
    daily: (filter) =>
      call(async () => {
        const [fromDay, toDay] = days(filter)
        const rows = await sql<DailyPoint[]>`select day::text as day, trigger, sum(impressions)::bigint as impressions,
          sum(clicks)::bigint as clicks, sum(conversions)::bigint as conversions from daily_counts
          where day >= ${fromDay}::date and day <= ${toDay}::date and variant <> 'holdout' ${byTrigger(filter)}
          group by day, trigger order by day, trigger`
        return [...rows]
      }),
    eligibleAccounts: (since) =>
      call(async () => [
        ...(await sql<{ trigger: string; accounts: number }[]>`select e.trigger, count(*) as accounts from eligibility e
          where e.last_eligible_at >= ${since} and not exists (
            select 1 from conversions c where c.account = e.account and c.ts >= e.first_eligible_at)
          group by e.trigger order by e.trigger`),
      ]),
    recordedArms: () => call(async () => [...(await sql.unsafe<TriggerArm[]>(RECORDED_ARMS_SQL))]),
    ...postgresOutbox(sql, call),
    ping: () => call(async () => void (await sql`select 1`)),
    close: () => sql.end({ timeout: 2 }),
  }
}

interface ConversionRow {
  id: string
  account: string
  target: string
  mrr_delta: number
  ts: number
  trigger: string | null
  variant: string | null
  exposed_at: number | null
}

interface StateRow {
  trigger: string
  impressions: number
  last_shown_at: number | null
  dismissed_at: number | null
  snoozed_at: number | null
  accepted_at: number | null
}

/**
 * Creates the schema a URL's `?search_path=` names when none of its schemas exists yet, as the `schema` option's
 * schema is created: its first entry other than `$user`. Nothing happens when a schema of the path exists.
 */
async function createSearchPathSchema(tx: pg.TransactionSql<{ bigint: number }>): Promise<void> {
  const [{ current, path }] = await tx<[{ current: string | null; path: string }]>`select current_schema() as current,
    current_setting('search_path') as path`
  if (current !== null) return
  const first = path.split(',').map((entry) => entry.trim().replace(/^"(.*)"$/, '$1').replaceAll('""', '"'))
    .find((entry) => entry !== '' && entry !== '$user')
  if (first !== undefined) await tx`create schema if not exists ${tx(first)}`
}

function conversionResult(row: ConversionRow, duplicate: boolean): ConversionResult {
  return {
    id: row.id,
    account: row.account,
    to: row.target,
    mrrDelta: row.mrr_delta,
    ts: row.ts,
    attribution:
      row.trigger === null ? null : { trigger: row.trigger, variant: row.variant!, exposedAt: row.exposed_at! },
    duplicate,
  }
}
