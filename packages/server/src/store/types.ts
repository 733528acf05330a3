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

export interface EligibleCount {
  trigger: string
  /** Accounts with an `eligible` event since `since` and no conversion after they became eligible. */
  accounts: number
}

/** Thrown by a store when the database cannot be reached; the handler answers 503 + Retry-After. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}

/**
 * Persistence for events, rollups, conversions and notification claims. Both `sqlite()` and `postgres()`
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
   * Stores events and updates the rollups in one transaction; dedupes on (source, event id).
   * Resolves only after commit.
   */
  ingest(source: string, events: readonly NudgeEvent[]): Promise<IngestResult>
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
   * Claims the right to notify `route` about `account` × `trigger`: true (and `now` recorded) when no
   * notification was sent or the last one is at least `renotifyMs` old; false otherwise. Safe under
   * concurrency: of two simultaneous claims exactly one wins.
   */
  claimNotification(route: string, account: string, trigger: string, now: number, renotifyMs: number): Promise<boolean>
  /**
   * Gives back the claim made at `claimedAt` when its webhook could not be delivered, so the next signal of
   * the account and trigger notifies again instead of waiting out the re-notify delay. A later claim (another
   * instance's, after the delay) is left alone.
   */
  releaseNotification(route: string, account: string, trigger: string, claimedAt: number): Promise<void>
  /** Resolves when the database answers; throws `StoreUnavailableError` when it cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
