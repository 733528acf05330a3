// The Store interface: what the HTTP handler, stats, forecast and webhooks need from a database.
import type { DailyPoint, StatsFilter, TriggerAggregate } from '../stats/types.ts'

/** The event types the HTTP API accepts (DESIGN.md). */
export const EVENT_TYPES = [
  'impression',
  'click',
  'dismiss',
  'snooze',
  'upgrade_requested',
  'holdout',
  'eligible',
  'gate_hit',
  'usage',
  'track',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

/** A validated event, normalised: `ts` in epoch milliseconds, `variant` filled for trigger events. */
export interface NudgeEvent {
  /** Client-made UUIDv7. */
  id: string
  type: EventType
  ts: number
  account: string
  user: string
  trigger?: string
  variant?: string
  placement?: string
  metric?: string
  value?: number
  feature?: string
  /** The event name of a `track` event. */
  event?: string
  props?: Record<string, unknown>
}

export interface IngestResult {
  /** Events stored by this call, ordered by id (UUIDv7: creation order). */
  accepted: NudgeEvent[]
  /** Events whose (source, id) was stored before, or repeated within the batch. */
  duplicates: number
  /**
   * With `IngestOptions.route`: the deliveries this call put in the outbox (the others lost their claim to a
   * recent notification, or their id was there already).
   */
  enqueued?: number
}

/** Exposure state of one trigger for one account, across users, tabs and devices. */
export interface AccountTriggerState {
  trigger: string
  impressions: number
  lastShownAt: number | null
  dismissedAt: number | null
  snoozedAt: number | null
  acceptedAt: number | null
}

export interface ConversionInput {
  /** Idempotency key chosen by the caller (e.g. the billing event id). */
  id: string
  account: string
  /** Plan or add-on id the account moved to. */
  to: string
  mrrDelta: number
  ts: number
}

/** The exposure a conversion was credited to. */
export interface Attribution {
  trigger: string
  /** Experiment arm, or `holdout` when the account was held out. */
  variant: string
  exposedAt: number
}

export interface ConversionResult {
  id: string
  account: string
  to: string
  mrrDelta: number
  ts: number
  attribution: Attribution | null
  /** True when this id was recorded before: the stored result is returned and nothing changes. */
  duplicate: boolean
}

/** An arm of a trigger: one of its experiment's variants, `default` without an experiment, or `holdout`. */
export interface TriggerArm {
  trigger: string
  variant: string
}

export interface EligibleCount {
  trigger: string
  /** Accounts with an `eligible` event since `since` and no conversion after they became eligible. */
  accounts: number
}

/** A routed webhook to put in the outbox, with the notification claim it needs. */
export interface WebhookEnqueue {
  /** `<route>:<event id>`: the outbox key, and the `X-Nudgekit-Delivery` header receivers dedupe by. */
  id: string
  route: string
  account: string
  /** What the route notifies about at most once per `renotifyMs` for the account (trigger, or request of it). */
  key: string
  /** The JSON body, sent as stored on every attempt. */
  payload: string
  now: number
  renotifyMs: number
}

/**
 * The webhook deliveries of newly stored events (a router's `deliveriesFor`). `ingest` calls it inside its
 * transaction, so the deliveries commit with the events or not at all; it must not throw (a throw fails its
 * batch, and costs the batches sharing its commit a transaction each: they are committed again one at a time).
 */
export type RouteEvents = (events: readonly NudgeEvent[]) => WebhookEnqueue[]

export interface IngestOptions {
  /** Enqueues the deliveries of the events this call stores (not of its duplicates) in the ingest's transaction. */
  route?: RouteEvents
}

export interface WebhookLease {
  /** Only deliveries of these routes (the ones this instance can send). */
  routes: readonly string[]
  /** Who takes the lease (one per router); later outcomes must come from it. */
  owner: string
  now: number
  leaseMs: number
  limit: number
  /**
   * Attempts in all. A due delivery already leased this many times whose last lease ended without an outcome
   * (its instance stopped mid-attempt every time) becomes a dead letter instead of being leased again.
   */
  maxAttempts: number
}

/** A delivery leased from the outbox: its owner attempts it once, then records the outcome. */
export interface LeasedWebhook {
  id: string
  route: string
  payload: string
  /** Attempts so far, this one included: the lease counts it, so attempts that never recorded an outcome count. */
  attempts: number
}

/** A delivery that became a dead letter without being attempted again, and why. */
export interface DeadWebhook extends LeasedWebhook {
  /** Its `last_error`. */
  error: string
}

export interface WebhookLeaseResult {
  /** Due deliveries now leased to the owner, to attempt once each. */
  leased: LeasedWebhook[]
  /** Due deliveries that had used up their attempts without an outcome: now dead letters, their claims given back. */
  deadLettered: DeadWebhook[]
}

export interface UnroutedWebhooks {
  /** The routes some instance serves; deliveries of any other route are dead-lettered. */
  routes: readonly string[]
  /** Only deliveries enqueued at this time or earlier (younger ones may be another instance's, on older rules). */
  enqueuedBefore: number
  now: number
}

export interface WebhookCounts {
  /** Not yet delivered: due, leased or waiting for a retry. */
  pending: number
  /** Of the pending, those an instance is attempting now (leased until after `now`). */
  leased: number
  /** Gave up after the last attempt (or a final answer such as a 4xx). */
  dead: number
}

/** Which dead letters an operator lists, sends again or deletes. */
export interface DeadLetterFilter {
  /** Only this delivery. */
  id?: string
  /** Only this route's. */
  route?: string
}

/** A dead letter as listed for an operator. */
export interface DeadLetter {
  id: string
  route: string
  account: string
  /** The notification key: the trigger id, or `upgrade_requested:<trigger>`. */
  trigger: string
  attempts: number
  lastError: string | null
  deadAt: number
}

export interface WebhookRevival {
  /** Dead letters now pending again, due at once, with their claims taken back. */
  revived: string[]
  /**
   * Dead letters left as they are: a later notification about the same route, account and trigger has been
   * claimed (delivered, or still to deliver), or a newer dead letter of theirs was revived instead.
   */
  superseded: string[]
}

/** The outbox part of a store: what the webhooks' worker needs (usually the store itself). */
export type WebhookOutbox = Pick<
  Store,
  | 'leaseWebhooks' | 'completeWebhook' | 'retryWebhook' | 'deadLetterWebhook' | 'deadLetterUnroutedWebhooks'
  | 'webhookCounts'
>

/** The dead-letter part of a store: what `nudgekit webhooks` needs besides the counts. */
export type DeadLetterStore = Pick<Store, 'listDeadWebhooks' | 'reviveWebhooks' | 'purgeDeadWebhooks'>

/**
 * Thrown by a store when the database cannot be used now (unreachable, refusing connections or the login, out of
 * resources, shutting down); the handler answers 503 + Retry-After.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
  /** The database's or driver's code for why, when it gave one: e.g. PostgreSQL's `3D000` or `ECONNREFUSED`. */
  readonly code: string | undefined
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(message, options)
    this.code = options.code
  }
}

/**
 * Persistence for events, rollups, conversions and the webhook outbox. Both `sqlite()` and `postgres()`
 * implement it and pass the same contract suite (`store/contract.ts`).
 *
 * @example
 * const store = sqlite('nudgekit.db')
 * await store.ingest('pk_live', [event], Date.now())
 * const rows = await store.aggregates({ from: 0, to: Date.now() })
 */
export interface Store {
  /** Applies pending migrations; returns the versions applied by this call. */
  migrate(): Promise<string[]>
  /**
   * Stores events and updates the rollups in one transaction; dedupes on (source, event id). With
   * `options.route`, the same transaction puts the webhooks of the newly stored events in the outbox: each
   * claims `route` × `account` × `key` (won when no notification was claimed or the last claim is at least
   * `renotifyMs` old; of two simultaneous claims exactly one wins) and is inserted, due at `now`, when it
   * won and its id is new. Resolves only after commit.
   */
  ingest(source: string, events: readonly NudgeEvent[], options?: IngestOptions): Promise<IngestResult>
  /** Per-trigger exposure state of an account. */
  accountState(account: string): Promise<AccountTriggerState[]>
  /**
   * Records a conversion, credited to the account's last exposure (impression or holdout) at or before
   * `ts` and no older than `windowMs`. Idempotent by id.
   */
  recordConversion(conversion: ConversionInput, windowMs: number): Promise<ConversionResult>
  /** Counts per trigger × variant for exposures first made in `[from, to)` (from the rollups). */
  aggregates(filter: StatsFilter): Promise<TriggerAggregate[]>
  /** Impressions, clicks and conversions per UTC day × trigger in `[from, to)`. */
  daily(filter: StatsFilter): Promise<DailyPoint[]>
  /** Accounts per trigger currently eligible: an `eligible` event at or after `since`, not converted since. */
  eligibleAccounts(since: number): Promise<EligibleCount[]>
  /**
   * The trigger × variant pairs exposures were stored for (impressions, and `holdout` for holdout exposures), in no
   * particular order: arms of rules versions served before, as POST /v1/events checks events against the served
   * rules before storing them. Read through the exposures' index, so the cost grows with the arms, not the accounts.
   */
  recordedArms(): Promise<TriggerArm[]>
  /**
   * Leases up to `limit` deliveries of `routes` that are due at `now` (scheduled then or earlier, and not
   * leased, or leased until `now` or earlier: their instance stopped) to `owner` until `now + leaseMs`, and
   * counts the attempt. A due delivery whose lease ended without an outcome after `maxAttempts` attempts is
   * dead-lettered instead (`no outcome recorded after <n> attempts (the instance stopped mid-attempt)`).
   * No delivery is leased to two owners at once.
   */
  leaseWebhooks(lease: WebhookLease): Promise<WebhookLeaseResult>
  /** Removes a delivered webhook from the outbox, whoever holds its lease now. */
  completeWebhook(id: string): Promise<void>
  /**
   * Records why the attempt of a delivery leased to `owner` failed (`error`; its lease counted the attempt) and
   * schedules the next at `nextAttemptAt`; false, changing nothing, when the lease has passed to another owner.
   */
  retryWebhook(id: string, owner: string, nextAttemptAt: number, error: string): Promise<boolean>
  /**
   * Records the last failed attempt of a delivery leased to `owner` (`error`): it stays in the outbox as a dead letter
   * (`dead_at = now`), and its notification claim is given back, so the account's next signal notifies again
   * instead of waiting out the re-notify delay (a later claim is left alone). False, changing nothing, when the
   * lease has passed to another owner.
   */
  deadLetterWebhook(id: string, owner: string, error: string, now: number): Promise<boolean>
  /**
   * Dead-letters the pending deliveries of routes not in `routes` (removed from the rules, or disabled there)
   * enqueued at `enqueuedBefore` or earlier and not leased at `now`, with `last_error` `route '<id>' is no longer
   * in the rules (removed, or disabled …)`, giving back their claims; resolves to how many.
   */
  deadLetterUnroutedWebhooks(unrouted: UnroutedWebhooks): Promise<number>
  /** Deliveries in the outbox: still to deliver (and of those, leased at `now`), and dead letters. */
  webhookCounts(now: number): Promise<WebhookCounts>
  /** Up to `limit` dead letters matching `filter`, newest first (by `dead_at`, then id). */
  listDeadWebhooks(filter: DeadLetterFilter & { limit: number }): Promise<DeadLetter[]>
  /**
   * Makes the dead letters matching `filter` pending again as if enqueued at `now`: due at once, attempts 0, error,
   * `dead_at` and lease cleared. Each takes its notification claim back (given back when it was dead-lettered) at
   * `now`, like an enqueue, so delivering it leaves the account notified and dead-lettering it again gives the claim
   * back. A dead letter whose claim is taken (a later notification of its route, account and trigger was enqueued)
   * stays dead; of several of one route, account and trigger, only the newest is revived.
   */
  reviveWebhooks(filter: DeadLetterFilter & { now: number }): Promise<WebhookRevival>
  /** Deletes the dead letters matching `filter` (and dead before `before`, when given); resolves to how many. */
  purgeDeadWebhooks(filter: DeadLetterFilter & { before?: number }): Promise<number>
  /** Resolves when the database answers; throws `StoreUnavailableError` when it cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
