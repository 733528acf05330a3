// SQLite webhook outbox: claim + enqueue in the caller's transaction, leases by UPDATE … RETURNING (one writer at a time).
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import { NO_OUTCOME_ERROR, UNROUTED_ERROR } from './outbox-errors.ts'
import type { DeadLetter, DeadLetterFilter, DeadLetterStore, WebhookEnqueue, WebhookOutbox } from './types.ts'

/** What the outbox needs from the SQLite store: cached statements, its transaction and its error mapping. */
export interface SqliteOutboxDeps {
  statement(sql: string): StatementSync
  transaction<T>(work: () => T): T
  call<T>(work: () => T): Promise<T>
}

/** Runs a statement; true when it changed a row. */
const runner = (statement: (sql: string) => StatementSync) =>
  (sql: string, ...params: SQLInputValue[]) => statement(sql).run(...params).changes > 0

/** What a dead-lettering UPDATE returns: the claim to give back. */
const CLAIM = 'route, account, trigger, created_at'

/** The dead letters a filter picks, as conditions (appended to `WHERE dead_at IS NOT NULL`) and their parameters. */
function deadLetterClause(filter: DeadLetterFilter & { before?: number }): [string, SQLInputValue[]] {
  const conditions: Array<[string, SQLInputValue | undefined]> = [['id = ?', filter.id], ['route = ?', filter.route], ['dead_at < ?', filter.before]]
  const given = conditions.filter(([, value]) => value !== undefined)
  return [given.map(([condition]) => ` AND ${condition}`).join(''), given.map(([, value]) => value!)]
}

/**
 * Claims the delivery's notification and puts it in the outbox, inside the caller's transaction (an ingest's);
 * true when enqueued, false when the claim was lost or the delivery id is already there.
 * @example if (enqueueDelivery(statement, delivery)) enqueued++
 */
export function enqueueDelivery(statement: (sql: string) => StatementSync, delivery: WebhookEnqueue): boolean {
  const run = runner(statement)
  const inserted = run(`INSERT INTO webhook_outbox (id, route, account, trigger, payload, next_attempt_at, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    delivery.id, delivery.route, delivery.account, delivery.key, delivery.payload, delivery.now, delivery.now)
  if (!inserted) return false
  const claimed = run(`INSERT INTO notifications (route, account, trigger, last_sent_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (route, account, trigger) DO UPDATE SET last_sent_at = excluded.last_sent_at
    WHERE last_sent_at <= excluded.last_sent_at - ?`,
    delivery.route, delivery.account, delivery.key, delivery.now, delivery.renotifyMs)
  if (!claimed) run('DELETE FROM webhook_outbox WHERE id = ?', delivery.id)
  return claimed
}

/**
 * The outbox methods of `sqlite()`. Every statement writes under SQLite's single write lock, so a lease is
 * atomic across connections and processes sharing the file.
 * @example const outbox = sqliteOutbox({ statement, transaction, call }); await outbox.webhookCounts(Date.now())
 */
export function sqliteOutbox({ statement, transaction, call }: SqliteOutboxDeps): WebhookOutbox & DeadLetterStore {
  const run = runner(statement)
  // The claim a dead letter made, unless a later one replaced it.
  const giveBackClaim = (dead: Record<string, SQLInputValue>) =>
    run('DELETE FROM notifications WHERE route = ? AND account = ? AND trigger = ? AND last_sent_at = ?',
      dead.route!, dead.account!, dead.trigger!, dead.created_at!)

  return {
    leaseWebhooks: (lease) =>
      call(() =>
        transaction(() => {
          const routes = JSON.stringify(lease.routes)
          const deadLettered = statement(`UPDATE webhook_outbox SET dead_at = ?1, last_error = ${NO_OUTCOME_ERROR},
            lease_owner = NULL, lease_until = NULL
            WHERE dead_at IS NULL AND next_attempt_at <= ?1 AND lease_until <= ?1 AND attempts >= ?2
              AND route IN (SELECT value FROM json_each(?3))
            RETURNING id, payload, attempts, last_error, ${CLAIM}`)
            .all(lease.now, lease.maxAttempts, routes)
            .map((row) => {
              giveBackClaim(row)
              return { ...leased(row), error: row.last_error as string }
            })
          const rows = statement(`UPDATE webhook_outbox SET attempts = attempts + 1, lease_owner = ?1, lease_until = ?2
            WHERE id IN (SELECT id FROM webhook_outbox WHERE dead_at IS NULL AND next_attempt_at <= ?3
              AND (lease_until IS NULL OR lease_until <= ?3) AND route IN (SELECT value FROM json_each(?4))
              ORDER BY next_attempt_at LIMIT ?5)
            RETURNING id, route, payload, attempts`)
            .all(lease.owner, lease.now + lease.leaseMs, lease.now, routes, lease.limit)
          return { leased: rows.map(leased), deadLettered }
        }),
      ),
    completeWebhook: (id) =>
      call(() => {
        run('DELETE FROM webhook_outbox WHERE id = ?', id)
      }),
    retryWebhook: (id, owner, nextAttemptAt, error) =>
      call(() =>
        run(`UPDATE webhook_outbox SET next_attempt_at = ?, last_error = ?, lease_owner = NULL,
          lease_until = NULL WHERE id = ? AND lease_owner = ? AND dead_at IS NULL`, nextAttemptAt, error, id, owner),
      ),
    deadLetterWebhook: (id, owner, error, now) =>
      call(() =>
        transaction(() => {
          const dead = statement(`UPDATE webhook_outbox SET last_error = ?, dead_at = ?, lease_owner = NULL, lease_until = NULL
            WHERE id = ? AND lease_owner = ? AND dead_at IS NULL RETURNING ${CLAIM}`).get(error, now, id, owner)
          if (dead) giveBackClaim(dead)
          return dead !== undefined
        }),
      ),
    deadLetterUnroutedWebhooks: (unrouted) =>
      call(() =>
        transaction(() => {
          const dead = statement(`UPDATE webhook_outbox SET dead_at = ?1, last_error = ${UNROUTED_ERROR},
            lease_owner = NULL, lease_until = NULL
            WHERE dead_at IS NULL AND created_at <= ?2 AND (lease_until IS NULL OR lease_until <= ?1)
              AND route NOT IN (SELECT value FROM json_each(?3))
            RETURNING ${CLAIM}`).all(unrouted.now, unrouted.enqueuedBefore, JSON.stringify(unrouted.routes))
          for (const row of dead) giveBackClaim(row)
          return dead.length
        }),
      ),
    webhookCounts: (now) =>
      call(() => {
        const row = statement(`SELECT count(*) FILTER (WHERE dead_at IS NULL) AS pending,
          count(*) FILTER (WHERE dead_at IS NULL AND lease_until > ?) AS leased,
          count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead FROM webhook_outbox`).get(now)!
        return { pending: Number(row.pending), leased: Number(row.leased), dead: Number(row.dead) }
      }),
    listDeadWebhooks: (filter) =>
      call(() => {
        const [where, params] = deadLetterClause(filter)
        return statement(`SELECT id, route, account, trigger, attempts, last_error, dead_at FROM webhook_outbox
          WHERE dead_at IS NOT NULL${where} ORDER BY dead_at DESC, id DESC LIMIT ?`)
          .all(...params, filter.limit)
          .map(deadLetter)
      }),
    reviveWebhooks: (filter) =>
      call(() =>
        transaction(() => {
          const [where, params] = deadLetterClause(filter)
          const revival = { revived: [] as string[], superseded: [] as string[] }
          // Newest first, so the newest dead letter of a route, account and trigger takes the claim.
          const dead = statement(`SELECT id, route, account, trigger FROM webhook_outbox
            WHERE dead_at IS NOT NULL${where} ORDER BY created_at DESC, id DESC`).all(...params)
          for (const row of dead) {
            const claimed = run(`INSERT INTO notifications (route, account, trigger, last_sent_at) VALUES (?, ?, ?, ?)
              ON CONFLICT (route, account, trigger) DO NOTHING`, row.route!, row.account!, row.trigger!, filter.now)
            if (claimed) {
              run(`UPDATE webhook_outbox SET attempts = 0, next_attempt_at = ?1, created_at = ?1, dead_at = NULL,
                last_error = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?2`, filter.now, row.id!)
            }
            revival[claimed ? 'revived' : 'superseded'].push(row.id as string)
          }
          return revival
        }),
      ),
    purgeDeadWebhooks: (filter) =>
      call(() => {
        const [where, params] = deadLetterClause(filter)
        return Number(statement(`DELETE FROM webhook_outbox WHERE dead_at IS NOT NULL${where}`).run(...params).changes)
      }),
  }
}

function leased(row: Record<string, SQLInputValue>) {
  return { id: row.id as string, route: row.route as string, payload: row.payload as string, attempts: Number(row.attempts) }
}

function deadLetter(row: Record<string, SQLInputValue>): DeadLetter {
  return {
    id: row.id as string,
    route: row.route as string,
    account: row.account as string,
    trigger: row.trigger as string,
    attempts: Number(row.attempts),
    lastError: row.last_error as string | null,
    deadAt: Number(row.dead_at),
  }
}
