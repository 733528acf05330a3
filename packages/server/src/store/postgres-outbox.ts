// PostgreSQL webhook outbox: claim + enqueue in one transaction, leases with FOR UPDATE SKIP LOCKED across instances.
import type pg from 'postgres'
import type { LeasedWebhook, Store } from './types.ts'

type Sql = pg.Sql<{ bigint: number }>

type OutboxMethods = Pick<
  Store,
  'enqueueWebhook' | 'leaseWebhooks' | 'completeWebhook' | 'retryWebhook' | 'deadLetterWebhook' | 'webhookCounts'
>

/**
 * The outbox methods of `postgres()`. A lease locks the due rows it takes and skips rows another instance's
 * lease has locked, so instances sharing the database never lease one row at once.
 * @example const outbox = postgresOutbox(sql, call); await outbox.webhookCounts()
 */
export function postgresOutbox(sql: Sql, call: <T>(work: () => Promise<T>) => Promise<T>): OutboxMethods {
  return {
    enqueueWebhook: (delivery) =>
      call(() =>
        sql.begin(async (tx) => {
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
        }),
      ),
    leaseWebhooks: (lease) =>
      call(async () => [
        ...(await sql<LeasedWebhook[]>`with due as (
            select id from webhook_outbox
            where dead_at is null and next_attempt_at <= ${lease.now}
              and (lease_until is null or lease_until <= ${lease.now}) and route = any(${sql.array([...lease.routes])}::text[])
            order by next_attempt_at limit ${lease.limit}
            for update skip locked)
          update webhook_outbox o set lease_owner = ${lease.owner}, lease_until = ${lease.now + lease.leaseMs}
          from due where o.id = due.id
          returning o.id, o.route, o.payload, o.attempts`),
      ]),
    completeWebhook: (id) =>
      call(async () => {
        await sql`delete from webhook_outbox where id = ${id}`
      }),
    retryWebhook: (id, owner, nextAttemptAt, error) =>
      call(async () => {
        const updated = await sql`update webhook_outbox set attempts = attempts + 1, next_attempt_at = ${nextAttemptAt},
          last_error = ${error}, lease_owner = null, lease_until = null
          where id = ${id} and lease_owner = ${owner} and dead_at is null returning 1`
        return updated.length > 0
      }),
    deadLetterWebhook: (id, owner, error, now) =>
      call(() =>
        sql.begin(async (tx) => {
          const [dead] = await tx<{ route: string; account: string; trigger: string; created_at: number }[]>`
            update webhook_outbox set attempts = attempts + 1, last_error = ${error}, dead_at = ${now},
              lease_owner = null, lease_until = null
            where id = ${id} and lease_owner = ${owner} and dead_at is null
            returning route, account, trigger, created_at`
          if (!dead) return false
          await tx`delete from notifications where route = ${dead.route} and account = ${dead.account}
            and trigger = ${dead.trigger} and last_sent_at = ${dead.created_at}`
          return true
        }),
      ),
    webhookCounts: () =>
      call(async () => {
        const [row] = await sql<{ pending: number; dead: number }[]>`select
          count(*) filter (where dead_at is null) as pending, count(*) filter (where dead_at is not null) as dead
          from webhook_outbox`
        return { pending: row!.pending, dead: row!.dead }
      }),
  }
}
