// PostgreSQL ingest: every batch pending in a turn goes in one transaction, each table written by one unnest() statement.
import type pg from 'postgres'
import { groupCommit } from './group-commit.ts'
import { enqueueDelivery } from './postgres-outbox.ts'
import { computeDeltas, uniqueById } from './rollup.ts'
import type { IngestResult, NudgeEvent, RouteEvents, Store, WebhookEnqueue } from './types.ts'

type Sql = pg.Sql<{ bigint: number }>
type Tx = pg.TransactionSql<{ bigint: number }>

/**
 * Column name and PostgreSQL element type of the unnest() array, in insert order; a third entry casts the
 * element on the way in (props travel as JSON text and become jsonb here: a jsonb[] parameter would make
 * the driver encode each text a second time, storing a JSON string instead of an object).
 */
type Columns = readonly (readonly [string, string, string?])[]

const EVENT_COLUMNS: Columns = [
  ['source', 'text'], ['id', 'text'], ['type', 'text'], ['ts', 'bigint'], ['received_at', 'bigint'],
  ['account', 'text'], ['user_id', 'text'], ['trigger', 'text'], ['variant', 'text'], ['placement', 'text'],
  ['metric', 'text'], ['value', 'float8'], ['feature', 'text'], ['event', 'text'], ['props', 'text', 'jsonb'],
]
const DAILY_COLUMNS: Columns = [
  ['day', 'date'], ['trigger', 'text'], ['variant', 'text'], ['impressions', 'bigint'], ['clicks', 'bigint'],
  ['dismissals', 'bigint'], ['snoozes', 'bigint'], ['upgrade_requests', 'bigint'], ['holdouts', 'bigint'],
  ['eligible', 'bigint'],
]
const EXPOSURE_COLUMNS: Columns = [
  ['trigger', 'text'], ['variant', 'text'], ['account', 'text'], ['first_exposed_at', 'bigint'],
  ['last_exposed_at', 'bigint'], ['exposures', 'bigint'],
]
const STATE_COLUMNS: Columns = [
  ['account', 'text'], ['trigger', 'text'], ['impressions', 'bigint'], ['last_shown_at', 'bigint'],
  ['dismissed_at', 'bigint'], ['snoozed_at', 'bigint'],
]
const ELIGIBILITY_COLUMNS: Columns = [
  ['trigger', 'text'], ['account', 'text'], ['first_eligible_at', 'bigint'], ['last_eligible_at', 'bigint'],
]

/**
 * `insert into table (…) select * from unnest($1::type[], …) <tail>`: one statement and one parameter per
 * column whatever the row count (PostgreSQL allows 65,535 parameters, so multi-row VALUES cannot scale).
 */
function insertRows(tx: Tx, table: string, columns: Columns, rows: readonly object[], tail: string) {
  const names = columns.map(([name]) => name).join(', ')
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')
  const values = columns.map(([name, , cast]) => (cast ? `${name}::${cast}` : name)).join(', ')
  const params = columns.map(([name]) => rows.map((row) => (row as Record<string, unknown>)[name] ?? null))
  return tx.unsafe(`insert into ${table} (${names}) select ${values} from unnest(${arrays}) as input(${names}) ${tail}`, params as never[])
}

interface IngestJob {
  source: string
  events: readonly NudgeEvent[]
  route?: RouteEvents
}

/**
 * The store's `ingest`: batches arriving while a transaction runs are committed together in the next one.
 * Events are deduped on (source, id) by the primary key; the rollups are summed over the newly stored
 * events of all batches and upserted once per key, in key order (no deadlocks between instances).
 *
 * @example
 * const ingest = postgresIngest(sql, call)
 * await ingest('5f2c…', events) // { accepted: [...], duplicates: 0 }
 */
export function postgresIngest(sql: Sql, call: <T>(work: () => Promise<T>) => Promise<T>): Store['ingest'] {
  const commit = (jobs: IngestJob[]): Promise<IngestResult[]> =>
    call(() =>
      sql.begin(async (tx) => {
        const receivedAt = Date.now()
        const batches = jobs.map((job) => ({ source: job.source, route: job.route, ...uniqueById(job.events) }))
        const rows = batches.flatMap(({ source, unique }) =>
          unique.map((e) => ({
            source, id: e.id, type: e.type, ts: e.ts, received_at: receivedAt, account: e.account, user_id: e.user,
            trigger: e.trigger, variant: e.variant, placement: e.placement, metric: e.metric, value: e.value,
            feature: e.feature, event: e.event, props: e.props === undefined ? null : JSON.stringify(e.props),
          })),
        )
        // Key order, so two instances inserting the same ids lock them in the same order.
        rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
        const inserted = new Set<string>()
        if (rows.length > 0) {
          const returned = await insertRows(tx, 'events', EVENT_COLUMNS, rows, 'on conflict do nothing returning source, id')
          for (const row of returned) inserted.add(`${row.source as string}\u0000${row.id as string}`)
        }
        const stored: NudgeEvent[] = []
        // Each delivery with the result of the batch it belongs to, which counts it once enqueued.
        const deliveries: Array<{ delivery: WebhookEnqueue; result: IngestResult & { enqueued: number } }> = []
        // The same (source, id) in two batches of one turn is stored once: the first batch accepts it.
        const results = batches.map(({ source, route, unique, repeats }): IngestResult => {
          const accepted = unique.filter((e) => inserted.delete(`${source}\u0000${e.id}`))
          stored.push(...accepted)
          const result = { accepted, duplicates: repeats + unique.length - accepted.length }
          if (!route) return result
          const routed = { ...result, enqueued: 0 }
          if (accepted.length > 0) for (const delivery of route(accepted)) deliveries.push({ delivery, result: routed })
          return routed
        })
        // Claim order, so two instances claiming the same notifications lock them in the same order.
        deliveries.sort(({ delivery: a }, { delivery: b }) =>
          compareKeys([a.route, a.account, a.key, a.id], [b.route, b.account, b.key, b.id]))
        for (const { delivery, result } of deliveries) if (await enqueueDelivery(tx, delivery)) result.enqueued++
        const deltas = computeDeltas(stored)
        // Rows every turn shares (a day's counts and cohorts) last: a concurrent turn waits for them only briefly.
        if (deltas.accountState.length > 0) {
          await insertRows(tx, 'account_state', STATE_COLUMNS, deltas.accountState, `on conflict (account, trigger) do update set
            impressions = account_state.impressions + excluded.impressions,
            last_shown_at = greatest(account_state.last_shown_at, excluded.last_shown_at),
            dismissed_at = greatest(account_state.dismissed_at, excluded.dismissed_at),
            snoozed_at = greatest(account_state.snoozed_at, excluded.snoozed_at)`)
        }
        if (deltas.eligibility.length > 0) {
          await insertRows(tx, 'eligibility', ELIGIBILITY_COLUMNS, deltas.eligibility, `on conflict (trigger, account) do update set
            first_eligible_at = least(eligibility.first_eligible_at, excluded.first_eligible_at),
            last_eligible_at = greatest(eligibility.last_eligible_at, excluded.last_eligible_at)`)
        }
        if (deltas.exposures.length > 0) {
          await insertRows(tx, 'exposures', EXPOSURE_COLUMNS, deltas.exposures, `on conflict (trigger, variant, account) do update set
            first_exposed_at = least(exposures.first_exposed_at, excluded.first_exposed_at),
            last_exposed_at = greatest(exposures.last_exposed_at, excluded.last_exposed_at),
            exposures = exposures.exposures + excluded.exposures`)
        }
        if (deltas.daily.length > 0) {
          await insertRows(tx, 'daily_counts', DAILY_COLUMNS, deltas.daily, `on conflict (day, trigger, variant) do update set
            impressions = daily_counts.impressions + excluded.impressions, clicks = daily_counts.clicks + excluded.clicks,
            dismissals = daily_counts.dismissals + excluded.dismissals, snoozes = daily_counts.snoozes + excluded.snoozes,
            upgrade_requests = daily_counts.upgrade_requests + excluded.upgrade_requests,
            holdouts = daily_counts.holdouts + excluded.holdouts, eligible = daily_counts.eligible + excluded.eligible`)
        }
        return results
      }),
    )
  // Two turns in flight: one runs its statements while the other waits for its commit to be flushed.
  const enqueue = groupCommit(commit, { concurrency: 2 })
  return (source, events, options) => enqueue({ source, events, route: options?.route })
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1
  }
  return 0
}
