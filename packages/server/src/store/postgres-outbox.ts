// PostgreSQL webhook outbox: claim + enqueue in the caller's transaction, leases with FOR UPDATE SKIP LOCKED across instances.
import type pg from 'postgres'
import { NO_OUTCOME_ERROR, UNROUTED_ERROR } from './outbox-errors.ts'
import type { DeadLetter, DeadLetterFilter, DeadLetterStore, DeadWebhook, WebhookEnqueue, WebhookOutbox } from './types.ts'

type Sql = pg.Sql<{ bigint: number }>

/**
 * Claims the delivery's notification and puts it in the outbox, inside the caller's transaction (an ingest's);
 * true when enqueued, false when the claim was lost or the delivery id is already there.
 * @example if (await enqueueDelivery(tx, delivery)) enqueued++
 */
export async function enqueueDelivery(tx: pg.TransactionSql<{ bigint: number }>, delivery: WebhookEnqueue): Promise<boolean> {
  const inserted = await tx`insert into webhook_outbox (id, route, account, trigger, payload, next_attempt_at, created_at)
    values (${delivery.id}, ${delivery.route}, ${delivery.account}, ${delivery.key}, ${delivery.payload},
      ${delivery.now}, ${delivery.now})
    on conflict (id) do nothing returning 1`
  if (inserted.length === 0) return false
  const claimed = await tx`insert into notifications (route, account, trigger, last_sent_at)
    values (${delivery.route}, ${delivery.account}, ${delivery.key}, ${delivery.now})
    on conflict (route, account, trigger) do update set last_sent_at = excluded.last_sent_at
    where notifications.last_sent_at <= ${delivery.now - delivery.renotifyMs} returning 1`
  if (claimed.length === 0) await tx`delete from webhook_outbox where id = ${delivery.id}`
  return claimed.length > 0
}

/**
 * The outbox methods of `postgres()`. A lease locks the due rows it takes and skips rows another instance's
 * lease has locked, so instances sharing the database never lease one row at once.
 * @example const outbox = postgresOutbox(sql, call); await outbox.webhookCounts(Date.now())
 */
export function postgresOutbox(sql: Sql, call: <T>(work: () => Promise<T>) => Promise<T>): WebhookOutbox & DeadLetterStore {
  // Gives back the claims of the rows the `dead` CTE dead-lettered, unless later claims replaced them.
  const freed = () => sql`freed as (delete from notifications n using dead
    where n.route = dead.route and n.account = dead.account and n.trigger = dead.trigger and n.last_sent_at = dead.created_at)`
  // The dead letters a filter picks (`before`: dead before then).
  const deadLetters = (filter: DeadLetterFilter & { before?: number }) => sql`dead_at is not null
    ${filter.id === undefined ? sql`` : sql`and id = ${filter.id}`}
    ${filter.route === undefined ? sql`` : sql`and route = ${filter.route}`}
    ${filter.before === undefined ? sql`` : sql`and dead_at < ${filter.before}`}`

  return {
    leaseWebhooks: (lease) =>
      call(async () => {
        // One statement: the due rows are locked once, then each is either dead-lettered (leased maxAttempts
        // times, the last lease ended without an outcome) or leased, with its attempt counted.
        const rows = await sql<Array<DeadWebhook & { dead: boolean }>>`with due as (
            select id, (lease_until is not null and attempts >= ${lease.maxAttempts}) as used_up from webhook_outbox
            where dead_at is null and next_attempt_at <= ${lease.now}
              and (lease_until is null or lease_until <= ${lease.now}) and route = any(${sql.array([...lease.routes])}::text[])
            order by next_attempt_at limit ${lease.limit}
            for update skip locked),
          dead as (
            update webhook_outbox o set dead_at = ${lease.now}, last_error = ${sql.unsafe(NO_OUTCOME_ERROR)},
              lease_owner = null, lease_until = null
            from due where o.id = due.id and due.used_up
            returning o.id, o.route, o.account, o.trigger, o.payload, o.attempts, o.last_error, o.created_at),
          ${freed()},
          leased as (
            update webhook_outbox o set attempts = o.attempts + 1, lease_owner = ${lease.owner}, lease_until = ${lease.now + lease.leaseMs}
            from due where o.id = due.id and not due.used_up
            returning o.id, o.route, o.payload, o.attempts)
          select id, route, payload, attempts, null as error, false as dead from leased
          union all select id, route, payload, attempts, last_error, true from dead`
        return {
          leased: rows.filter((row) => !row.dead).map(({ id, route, payload, attempts }) => ({ id, route, payload, attempts })),
          deadLettered: rows.filter((row) => row.dead).map(({ id, route, payload, attempts, error }) => ({ id, route, payload, attempts, error })),
        }
      }),
    completeWebhook: (id) =>
      call(async () => {
        await sql`delete from webhook_outbox where id = ${id}`
      }),
    retryWebhook: (id, owner, nextAttemptAt, error) =>
      call(async () => {
        const updated = await sql`update webhook_outbox set next_attempt_at = ${nextAttemptAt}, last_error = ${error},
          lease_owner = null, lease_until = null
          where id = ${id} and lease_owner = ${owner} and dead_at is null returning 1`
        return updated.length > 0
      }),
    deadLetterWebhook: (id, owner, error, now) =>
      call(async () => {
        const dead = await sql`with dead as (
            update webhook_outbox set last_error = ${error}, dead_at = ${now}, lease_owner = null, lease_until = null
            where id = ${id} and lease_owner = ${owner} and dead_at is null
            returning route, account, trigger, created_at),
          ${freed()}
          select 1 from dead`
        return dead.length > 0
      }),
    deadLetterUnroutedWebhooks: (unrouted) =>
      call(async () => {
        const dead = await sql`with dead as (
            update webhook_outbox set dead_at = ${unrouted.now}, last_error = ${sql.unsafe(UNROUTED_ERROR)},
              lease_owner = null, lease_until = null
            where dead_at is null and created_at <= ${unrouted.enqueuedBefore}
              and (lease_until is null or lease_until <= ${unrouted.now})
              and route <> all(${sql.array([...unrouted.routes])}::text[])
            returning route, account, trigger, created_at),
          ${freed()}
          select 1 from dead`
        return dead.length
      }),
    webhookCounts: (now) =>
      call(async () => {
        const [row] = await sql<{ pending: number; leased: number; dead: number }[]>`select
          count(*) filter (where dead_at is null) as pending,
          count(*) filter (where dead_at is null and lease_until > ${now}) as leased,
          count(*) filter (where dead_at is not null) as dead
          from webhook_outbox`
        return { pending: row!.pending, leased: row!.leased, dead: row!.dead }
      }),
    listDeadWebhooks: (filter) =>
      call(async () => {
        const rows = await sql<DeadLetterRow[]>`select id, route, account, trigger, attempts, last_error, dead_at
          from webhook_outbox where ${deadLetters(filter)} order by dead_at desc, id desc limit ${filter.limit}`
        return rows.map(({ last_error, dead_at, ...row }): DeadLetter => ({ ...row, lastError: last_error, deadAt: dead_at }))
      }),
    reviveWebhooks: (filter) =>
      call(() =>
        sql.begin(async (tx) => {
          const revival = { revived: [] as string[], superseded: [] as string[] }
          // Newest first, so the newest dead letter of a route, account and trigger takes the claim.
          const dead = await tx<Array<{ id: string; route: string; account: string; trigger: string }>>`select id, route,
            account, trigger from webhook_outbox where ${deadLetters(filter)} order by created_at desc, id desc for update`
          for (const row of dead) {
            const claimed = await tx`insert into notifications (route, account, trigger, last_sent_at)
              values (${row.route}, ${row.account}, ${row.trigger}, ${filter.now}) on conflict (route, account, trigger) do nothing
              returning 1`
            if (claimed.length > 0) {
              await tx`update webhook_outbox set attempts = 0, next_attempt_at = ${filter.now}, created_at = ${filter.now},
                dead_at = null, last_error = null, lease_owner = null, lease_until = null where id = ${row.id}`
            }
            revival[claimed.length > 0 ? 'revived' : 'superseded'].push(row.id)
          }
          return revival
        }),
      ),
    purgeDeadWebhooks: (filter) =>
      call(async () => (await sql`delete from webhook_outbox where ${deadLetters(filter)}`).count),
  }
}

interface DeadLetterRow {
  id: string
  route: string
  account: string
  trigger: string
  attempts: number
  last_error: string | null
  dead_at: number
}
