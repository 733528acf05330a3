// Public types of the browser SDK: what createNudge takes and what the returned client offers.
import type { ReadableAtom } from 'nanostores'
import type { CompiledRules, Placement, Prompt } from '@nudgekit/rules/evaluator'

export type { Placement, Prompt }

export interface AccountInput {
  id: string
  plan: string
  addons?: string[]
  /** Date, ISO string or epoch milliseconds; anything else is warned about once and counts as unknown. */
  createdAt?: Date | string | number
  renewsAt?: Date | string | number
  traits?: Record<string, unknown>
}

export interface UserInput {
  id: string
  /** e.g. owner, admin, billing, member. Roles outside the rules' buyer roles get the request flow. */
  role?: string
}

/** The subset of the Web Storage API the SDK uses; pass your own for tests or non-browser hosts. */
export interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

export interface NudgeOptions {
  /** Base URL of the nudgekit server, e.g. `https://app.example.com/nudgekit`. */
  endpoint: string
  /** Publishable key (`pk_…`). */
  key: string
  account: AccountInput
  user: UserInput
  /** Inline rules (tests, offline apps); skips `GET /v1/rules`. */
  rules?: CompiledRules
  /** Default: `localStorage` when available, else in memory. */
  storage?: StorageLike
  /**
   * Default: `globalThis.fetch`. Without `window` (server rendering) the client makes no requests, sets no
   * timers and queues no events unless `fetch` is passed (tests, other runtimes).
   */
  fetch?: typeof fetch
  /**
   * Log to `console.debug` each decision whose status or reason changed, with its reason, and why rules, state
   * or events could not be fetched or sent.
   */
  debug?: boolean
  /** Locale for numbers in copy. Default: the rules' locale, then the browser's. */
  locale?: string
  /**
   * Per-tab storage that keeps the tab's browsing session (for `max_per_session`) across reloads where
   * `storage` cannot share it between tabs. Default: `sessionStorage` when available, else in memory.
   */
  sessionStorage?: StorageLike
  /** Clock in epoch milliseconds. Default: `Date.now`. */
  now?: () => number
  /** Random number in [0, 1) for retry jitter. Default: `Math.random`. */
  random?: () => number
  /** Timer functions. Default: the global `setTimeout` / `clearTimeout`. */
  timers?: Timers
}

/** The timer functions the SDK schedules with; tests inject a virtual clock. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** One event as `POST /v1/events` receives it. */
export interface NudgeEvent {
  /** UUIDv7, made when the event happened; the server dedupes on it. */
  id: string
  type:
    | 'impression'
    | 'click'
    | 'dismiss'
    | 'snooze'
    | 'upgrade_requested'
    | 'holdout'
    | 'eligible'
    | 'gate_hit'
    | 'usage'
    | 'track'
  /** Epoch milliseconds. */
  ts: number
  account: string
  user: string
  trigger?: string
  variant?: string
  placement?: Placement
  metric?: string
  value?: number
  feature?: string
  /** The event name of a `track` event. */
  event?: string
  props?: Record<string, unknown>
}

/** One metric as the meter shows it. */
export interface UsageView {
  metric: string
  label: string
  used: number
  /** `null` when the plan has no limit for the metric. */
  limit: number | null
  /** 0–100+, `null` without a limit. */
  percent: number | null
}

export interface GateResult {
  allowed: boolean
  /** The cheapest plan on the ladder that has the feature (absent when allowed or none has it). */
  requiredPlan?: string
  /** An add-on that unlocks the feature, when no plan does or the add-on is cheaper. */
  requiredAddon?: string
  /** The inline prompt for this feature, when a trigger on it is due. */
  prompt?: Prompt
}

export interface ActivePrompts {
  banner?: Prompt
  modal?: Prompt
  toast?: Prompt
  /** feature id → inline locked-feature prompt. */
  inline: Record<string, Prompt>
}

export interface AccountState {
  account: AccountInput
  user: UserInput
}

export interface Nudge {
  /** Active prompt per placement. */
  readonly $prompts: ReadableAtom<ActivePrompts>
  /** metric id → usage against the current plan's limit. */
  readonly $usage: ReadableAtom<Record<string, UsageView>>
  /** The compiled rules in use (undefined until loaded from cache, inline or network). */
  readonly $rules: ReadableAtom<CompiledRules | undefined>
  readonly $account: ReadableAtom<AccountState>
  /** Calls `listener` with the active prompts now and on every change; returns unsubscribe (a no-op, with a warning, for a non-function). */
  subscribe(listener: (prompts: ActivePrompts) => void): () => void
  /** Authoritative value from the host app. */
  setUsage(metric: string, value: number): void
  /** Client-side counter for the metric's current period. */
  increment(metric: string, by?: number): void
  /**
   * Checks a feature against the plan; records a `gate_hit` when not allowed, and returns the inline prompt
   * if one is due (never when allowed). Allowed until rules are loaded.
   */
  gate(feature: string): GateResult
  /**
   * Records a behaviour event for `event` conditions. `props` must be a JSON object: they are sent as they are
   * now; other props (an array, an object with a cycle or a BigInt) are warned about and the event is recorded without them.
   */
  track(event: string, props?: Record<string, unknown>): void
  /** Switches the user (role change, sign-in as someone else); the same values again change nothing. */
  identify(user: UserInput): void
  /**
   * Replaces or updates the account (plan change clears prompts that no longer apply); the same values again
   * change nothing (`$account` keeps its object, nothing is re-evaluated or sent).
   */
  setAccount(account: AccountInput): void
  /** The prompt became visible to the user: records one impression for this showing. */
  impression(prompt: Prompt): void
  click(prompt: Prompt): void
  /** Takes the prompt down for this page and snoozes it for the trigger's `snooze_on_dismiss`, if set. */
  dismiss(prompt: Prompt): void
  /** "Remind me later": takes the prompt down for `snooze_on_dismiss` (default one day) in every tab. */
  snooze(prompt: Prompt): void
  /** Non-buyer asked an admin to upgrade: records `upgrade_requested`. */
  requestUpgrade(prompt: Prompt): void
  /** Sends what is queued now (also done on pagehide, online and on a timer). */
  flush(): Promise<void>
  /** Stops timers and listeners and flushes what it can. Later calls are ignored, with one warning, and queue nothing. */
  destroy(): void
}
