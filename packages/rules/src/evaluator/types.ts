// The compiled rules payload the browser receives, and the evaluator's inputs and outputs.
// Plain JSON-serialisable data: the server compiles, the SDK evaluates; both read these types.

export type Placement = 'banner' | 'modal' | 'toast' | 'inline'

/** How often a client-side counter (`increment`) starts again from zero. */
export type Period = 'day' | 'week' | 'month' | 'year'

export interface Price {
  monthly?: number
  annual?: number
}

export interface CompiledMetric {
  label: string
  period?: Period
}

export interface CompiledFeature {
  label: string
}

export interface CompiledPlan {
  id: string
  name: string
  price: Price
  /** metric id → limit; `null` means unlimited. A metric absent here is unlimited too. */
  limits: Record<string, number | null>
  features: string[]
}

export interface CompiledAddon {
  id: string
  name: string
  price: Price
  features: string[]
  /** metric id → amount the add-on adds on top of the plan limit. */
  limits: Record<string, number>
}

/** Conditions, normalised: durations in milliseconds, percentages parsed. */
export type Condition =
  | { usage: string; atLeast: { percent: number } | { value: number } }
  | { usage: string; aboveLimit: true }
  | { gate: string; countAtLeast: number; withinMs?: number }
  | { event: string; countAtLeast: number; withinMs?: number }
  | { renewalWithinMs: number }
  | { accountAgeAtLeastMs: number }
  | { trait: string; op: TraitOp; value?: unknown }
  | { hasFeature: string }
  | { lacksFeature: string }
  | { hasAddon: string }
  | { lacksAddon: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  /**
   * `renewalWithinMs` and `accountAgeAtLeastMs` as `compile()` writes them: the account date minus now lies
   * in [from, to] (no lower bound without `from`); an unknown date never does.
   */
  | { date: 'renewsAt' | 'createdAt'; from?: number; to: number }
  /** The audience's plan and role lists, as `compile()` writes them into `CompiledTrigger.checks`. */
  | { planIn: string[] }
  | { roleIn: string[] }

export type TraitOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'not_in' | 'exists'

export interface CompiledAudience {
  plans?: string[]
  /** `'buyer'`, `'non_buyer'` or explicit role names. Absent: everyone. */
  roles?: string[]
  minAccountAgeMs?: number
  /** Trait conditions, all of which must hold. */
  traits?: Condition[]
}

export interface CtaTemplate {
  label: string
  url?: string
}

export interface PromptTemplate {
  placement: Placement
  title: string
  body?: string
  cta?: CtaTemplate
  dismissLabel?: string
  /** A plan id, an add-on id, `next_plan`, `next_plan_raising_limit` or `cheapest_plan_with_feature`. */
  target?: string
  /** Copy for roles that cannot buy; merged over `defaults.nonBuyer`. */
  nonBuyer?: { title?: string; body?: string; cta?: CtaTemplate }
}

export interface Frequency {
  cooldownMs?: number
  snoozeOnDismissMs?: number
  /** Lifetime cap of impressions for the trigger, per account. */
  maxImpressions?: number
  maxPerSession?: number
  maxPerDay?: number
  /** Stop showing the trigger once the account accepted (converted through) it. Default true. */
  stopAfterAccept: boolean
}

/** A trigger as the rules file says it, before `compile()` works out what the browser needs. */
export interface DraftTrigger {
  id: string
  when: Condition
  audience: CompiledAudience
  prompt: PromptTemplate
  /** Experiment arms: variant name → prompt overrides. Absent: a single arm named `default`. */
  variants?: Record<string, Partial<PromptTemplate>>
  /** 0–100: share of accounts held out (they see nothing; a `holdout` exposure is sent). */
  holdoutPercent: number
  /** Merged with `defaults.frequency`. */
  frequency: Frequency
  /** Higher wins within a placement. Default 0. */
  priority: number
}

/**
 * Copy for one audience, merged by `compile()`: what the prompt shows before its variables are filled.
 * `{metric}` and `{feature}` are already filled (with their labels), since they never change.
 */
export interface PromptCopy {
  title: string
  body?: string
  cta: CtaTemplate
  dismissLabel?: string
}

/**
 * One experiment arm, merged by `compile()`: the variant over the prompt, and for non-buyers
 * `prompt.nonBuyer` over `defaults.nonBuyer` over that.
 */
export interface CompiledArm {
  /** The variant name, `default` without an experiment. */
  name: string
  /** The fields of its `Prompt` that are the same for every account. */
  prompt: Pick<Prompt, 'key' | 'trigger' | 'variant' | 'placement' | 'feature' | 'metric' | 'priority'>
  /** What the prompt competes for: its placement, or `inline:<feature, else trigger id>`. */
  slot: string
  /** The target name (see `PromptTemplate.target`); its offers are in `CompiledTrigger.targets`. */
  target?: string
  /** The copy for each audience of `Prompt.audience`. */
  copy: Record<Prompt['audience'], PromptCopy>
}

export interface CompiledTrigger extends DraftTrigger {
  /** Facts this trigger reads (condition and audience), for incremental re-evaluation. */
  deps: FactKey[]
  /**
   * The metric of the first `usage` condition (through `all`/`any`, not `not`): what `{used}`, `{limit}` and
   * the target's limit are about. Absent without one. Worked out by `compile()`.
   */
  metric?: string
  /**
   * The feature of the first `gate` condition (likewise): `{feature}`, the inline slot and
   * `cheapest_plan_with_feature`. Absent without one. Worked out by `compile()`.
   */
  feature?: string
  /**
   * The audience as conditions in the order they are checked (plans, roles, account age, traits), each with
   * the reason it gives when false. Worked out by `compile()`.
   */
  checks: Array<[SuppressReason, Condition]>
  /**
   * The impression caps the frequency sets, in the order they are checked (lifetime, session, day): the
   * reason, the `TriggerState` count and the cap it must stay below. Worked out by `compile()`.
   */
  caps: Array<[SuppressReason, 'impressions' | 'sessionImpressions' | 'dayImpressions', number]>
  /** The arms sorted by name (code units), as bucketing numbers them. Worked out by `compile()`. */
  arms: CompiledArm[]
  /**
   * Target name (of the prompt and its variants) → offers by the account's plan: entry `planIndex + 1` (0
   * for a plan the rules do not know) lists, best first, indexes into `[...plans, ...addons]`. The account
   * gets the first plan, or the first add-on it does not own. Worked out by `compile()`.
   */
  targets: Record<string, number[][]>
}

export interface CompiledRules {
  /** 2: triggers carry `arms` and `targets`. */
  version: 2
  /** Content hash of the payload (without this field); the server's ETag. */
  hash: string
  metrics: Record<string, CompiledMetric>
  features: Record<string, CompiledFeature>
  /** The upgrade ladder, cheapest first. */
  plans: CompiledPlan[]
  addons: CompiledAddon[]
  triggers: CompiledTrigger[]
  defaults: {
    /** Roles that can buy; everyone else gets the non-buyer prompt. Default owner, admin, billing. */
    buyerRoles: string[]
    nonBuyer: { title?: string; body?: string; cta: CtaTemplate }
    locale?: string
    /** ISO 4217 code used to format prices. Default USD. */
    currency: string
  }
  attribution: { windowMs: number }
}

/**
 * A fact the evaluator reads. A change to a fact re-evaluates only the triggers whose `deps` list it.
 * `account` covers plan, add-ons, dates and traits; `user` covers the role; `time` is the clock.
 */
export type FactKey = `usage:${string}` | `gate:${string}` | `event:${string}` | 'account' | 'user' | 'time'

export interface EvalAccount {
  id: string
  plan: string
  addons?: string[]
  /** Epoch milliseconds. */
  createdAt?: number
  /** Epoch milliseconds of the next renewal. */
  renewsAt?: number
  traits?: Record<string, unknown>
}

export interface EvalUser {
  id: string
  role?: string
}

/** Everything a condition can read. The SDK keeps it up to date. */
export interface EvalContext {
  now: number
  /**
   * Replace the object to change the account: limits, targets and experiment arms are worked out once per
   * account object. `usage`, `gates` and `events` may change in place.
   */
  account: EvalAccount
  user: EvalUser
  /** metric id → current value (for periodic metrics: the value in the current period). */
  usage: Record<string, number>
  /** feature id → ascending epoch-ms timestamps of gate hits (bounded by the caller). */
  gates: Record<string, readonly number[]>
  /** event name → ascending epoch-ms timestamps of tracked events (bounded by the caller). */
  events: Record<string, readonly number[]>
  /** Locale for number formatting in copy. Default: `defaults.locale`, then the runtime's. */
  locale?: string
}

/** Exposure state of one trigger for this account (+user), as the SDK persists and merges it. */
export interface TriggerState {
  /** Lifetime impressions for the account. */
  impressions: number
  lastShownAt?: number
  snoozedUntil?: number
  dismissedAt?: number
  acceptedAt?: number
  /** Impressions in the current browser session. */
  sessionImpressions: number
  /** Impressions today (the caller resets it when the day changes). */
  dayImpressions: number
  /**
   * The prompt is on screen in this session and not dismissed: impression caps and cooldown do not take
   * it away (they decide whether a prompt may *start* showing). Snooze, dismissal and acceptance still do.
   */
  showing?: boolean
}

export type SuppressReason =
  | 'not_matched'
  | 'audience_plan'
  | 'audience_role'
  | 'audience_trait'
  | 'account_age'
  | 'no_target'
  | 'accepted'
  | 'snoozed'
  | 'cooldown'
  | 'max_impressions'
  | 'max_per_session'
  | 'max_per_day'
  | 'outranked'

export interface ResolvedTarget {
  kind: 'plan' | 'addon'
  id: string
  name: string
  price: Price
  /** The target's limit of the trigger's metric, when the trigger is about usage. */
  limit?: number | null
}

/** A prompt ready to render: copy templated, target resolved, audience decided. */
export interface Prompt {
  /** `${trigger}:${variant}` — stable key for a showing. */
  key: string
  trigger: string
  variant: string
  placement: Placement
  /** `buyer` gets the upgrade CTA; `non_buyer` gets the request flow ("Ask your admin"). */
  audience: 'buyer' | 'non_buyer'
  title: string
  body?: string
  cta: { label: string; url?: string }
  dismissLabel?: string
  target?: ResolvedTarget
  /** The feature of a `gate` condition, so an inline card can attach to its `FeatureGate`. */
  feature?: string
  /** The metric of a `usage` condition, so a meter can show it. */
  metric?: string
  priority: number
}

export interface TriggerDecision {
  trigger: string
  /**
   * `show`: selected for its placement. `holdout`: due, but the account is held out.
   * `suppressed`: matched but held back (see `reason`). `not_matched`: condition false.
   */
  status: 'show' | 'holdout' | 'suppressed' | 'not_matched'
  reason?: SuppressReason
  /** What outranked it (`outranked by <trigger> (priority <n>)`); `explainDecision` words every reason. */
  detail?: string
  /** The arm, once the audience holds (`holdout` for held-out accounts). */
  variant?: string
  /**
   * The rendered prompt, for `show` only: copy is rendered for the prompts that win their placement, never
   * for ones held back, so a re-evaluation costs little. Decisions and prompts are read-only and reused
   * while unchanged.
   */
  prompt?: Prompt
}

export interface Decisions {
  /** One decision per trigger, in rules order. */
  decisions: TriggerDecision[]
  /** The prompt shown per placement (banner, modal, toast); inline prompts are keyed by feature. */
  prompts: Partial<Record<Exclude<Placement, 'inline'>, Prompt>>
  inline: Record<string, Prompt>
}
