// Random but realistic request histories for the stats model test: the rules they use, the fast-check arbitrary, a readable listing.
import fc from 'fast-check'
import type { SentConversion, SentEvent, StatsQuery } from './stats-model.ts'

const DAY = 86_400_000
const SLOT = 4 * 3_600_000
/** The server clock: noon, so a day's events fall on both sides of it. */
export const NOW = Date.UTC(2026, 5, 15, 12)
/** The first slot of the history: 28 days before today, inside the 30 days the server accepts. */
export const START = Date.UTC(2026, 4, 18)
/** The last slot: 1 day after NOW, the latest time an event may carry. */
const LAST_SLOT = (NOW + DAY - START) / SLOT
export const WINDOW = 3 * DAY

export const HISTORY_RULES = `version: 1
metrics:
  seats: { label: seats }
  api_calls: { label: API calls, period: month }
features:
  export: { label: CSV export }
plans:
  - id: free
    name: Free
    price: { monthly: 0 }
    limits: { seats: 3, api_calls: 10000 }
    features: []
  - id: pro
    name: Pro
    price: { monthly: 49, annual: 490 }
    limits: { seats: 10, api_calls: 100000 }
    features: [export]
  - id: team
    name: Team
    price: { annual: 1188 }
    limits: { seats: 50, api_calls: 1000000 }
    features: [export]
addons:
  - id: analytics
    name: Analytics
    price: { monthly: 29 }
    features: []
triggers:
  - id: seats-cap
    when: { usage: seats, at_least: 100% }
    prompt: { placement: modal, title: "All {limit} seats are taken", target: next_plan_raising_limit }
    experiment: { variants: { a: {}, b: { title: "Add teammates on {target.name}" } }, holdout: 20% }
  - id: export-gate
    when: { gate: export }
    prompt: { placement: inline, title: "Export is on {target.name}", target: cheapest_plan_with_feature }
  - id: api-90
    when: { usage: api_calls, at_least: 90% }
    prompt: { placement: banner, title: "You've used {used} of {limit} API calls", target: next_plan_raising_limit }
    experiment: { variants: { calm: {}, bold: { title: "Almost out of API calls" } } }
attribution: { window: 3d }
`

/** The rules' triggers and their variants, as the model knows them. */
export const TRIGGERS: Record<string, readonly string[]> = {
  'seats-cap': ['a', 'b'],
  'export-gate': ['default'],
  'api-90': ['calm', 'bold'],
}
/** The rules' triggers that hold accounts out (`experiment.holdout` above 0): only they have a `holdout` arm. */
export const HOLDOUT_TRIGGERS: readonly string[] = ['seats-cap']
const TRIGGER_IDS = Object.keys(TRIGGERS)
/** Each plan's monthly price minus the plan below it (team: 1188/12 − 49), an add-on's own price. */
export const PRICES: Record<string, number> = { pro: 49, team: 50, analytics: 29 }
const PLACEMENTS: Record<string, string> = { 'seats-cap': 'modal', 'export-gate': 'inline', 'api-90': 'banner' }

export type Sent =
  /** Batches sent at once, and maybe a stats read racing the only one. */
  | { kind: 'events'; key: number; batches: SentEvent[][]; race?: StatsQuery }
  /** Conversions sent at once: distinct ids, or one body twice. */
  | { kind: 'conversions'; bodies: SentConversion[] }
  | { kind: 'stats'; query: StatsQuery }
  | { kind: 'state'; account: string }

/** One of the options by weight; a counterexample shrinks towards the first. */
const weighted = <T>(...options: [number, fc.Arbitrary<T>][]) =>
  fc.oneof({ withCrossShrink: true }, ...options.map(([weight, arbitrary]) => ({ weight, arbitrary })))

const FLAWS = ['twice', 'reused-id', 'bad-id', 'stale', 'stale-edge', 'future', 'future-edge', 'no-trigger',
  'unknown-trigger', 'unknown-variant', 'no-field'] as const
/** The field a `no-field` flaw leaves out of each type without a trigger (`metric` or `value` by the event's pick). */
const NEEDED: Record<string, (pick: number) => string> = { gate_hit: () => 'feature', usage: (pick) => (pick % 2 ? 'metric' : 'value'), track: () => 'event' }

const rawEvent = fc.record({
  type: weighted<string>([5, fc.constant('impression')], [2, fc.constant('holdout')], [2, fc.constant('click')],
    [4, fc.constantFrom('dismiss', 'snooze', 'upgrade_requested', 'eligible')], [1, fc.constantFrom('gate_hit', 'usage', 'track')]),
  account: fc.nat(3),
  user: fc.nat(2),
  /** seats-cap (with variants and a holdout) more often than the others, so accounts see it repeatedly. */
  trigger: weighted([1, fc.constant(0)], [1, fc.nat(TRIGGER_IDS.length - 1)]),
  /** The account's own arm, another one (`holdout` included), or none sent. */
  arm: weighted<'own' | 'none' | number>([8, fc.constant('own')], [2, fc.nat(2)], [1, fc.constant('none')]),
  /** Slots from the clock: now or a little later, or an old event a client queued offline. */
  offset: weighted([6, fc.integer({ min: 0, max: 2 })], [2, fc.integer({ min: -40, max: -1 })]),
  jitter: weighted([6, fc.constant(0)], [1, fc.constantFrom(-1, 1)]),
  flaw: weighted<(typeof FLAWS)[number] | undefined>([24, fc.constant(undefined)], [2, fc.constantFrom('twice', 'reused-id')],
    [2, fc.constantFrom(...FLAWS.slice(2))]),
  pick: fc.nat(),
})

const advance = weighted([4, fc.integer({ min: 0, max: 8 })], [1, fc.integer({ min: -12, max: 30 })])
const key = weighted([5, fc.constant(0)], [1, fc.constant(1)])

const rawConversion = fc.record({
  id: fc.nat(11),
  /** One of the accounts exposed so far, the latest first (any of the first four before that); acct_5 is never exposed. */
  account: weighted([6, fc.nat(3)], [1, fc.constant(4)]),
  to: fc.constantFrom('pro', 'team', 'analytics', 'enterprise'),
  mrr: weighted<number | undefined>([3, fc.constant(undefined)], [2, fc.constantFrom(49, 19.99, 0, -10, 120.5)]),
  /**
   * `slot`: at the clock plus `offset`; `edge`: exactly one window after the account's latest exposure (± jitter);
   * `late`: just after (or ±1 ms around) one of its exposures picked by `offset`, reported after later ones arrived;
   * or no ts, an ISO string, before any exposure, or out of range.
   */
  when: weighted<'slot' | 'edge' | 'late' | 'omitted' | 'iso' | 'early' | 'invalid'>([5, fc.constant('slot')],
    [2, fc.constantFrom('edge', 'late')], [1, fc.constantFrom('omitted', 'iso', 'early', 'invalid')]),
  /** Slots from the clock: mostly soon after the latest exposures, sometimes before them or past the 3-day window. */
  offset: weighted([5, fc.integer({ min: 0, max: 6 })], [2, fc.integer({ min: -2, max: 18 })], [1, fc.integer({ min: 19, max: 30 })]),
  jitter: weighted([6, fc.constant(0)], [1, fc.constantFrom(-1, 1)]),
})

/**
 * Days from START: a range of 1 to 8 days mostly, sometimes one ending before it starts; either end may be left out
 * (`to` alone ends `days` before the last day that can hold data).
 */
const rawQuery = fc.record({
  from: fc.option(fc.integer({ min: -3, max: 30 })),
  days: weighted([6, fc.integer({ min: 1, max: 8 })], [1, fc.integer({ min: -3, max: 30 })]),
  to: fc.boolean(),
  trigger: fc.option(weighted<number | 'nope'>([6, fc.nat(TRIGGER_IDS.length - 1)], [1, fc.constant('nope')])),
})

const rawStep = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('events' as const),
    advance,
    key,
    batches: fc.array(fc.array(rawEvent, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
    retries: fc.array(fc.nat(), { maxLength: 3 }),
    /** Events of the first batch sent again in the last while the first is in flight (a client retrying early). */
    echoes: fc.array(fc.nat(), { maxLength: 2 }),
    race: weighted([5, fc.constant(null)], [1, rawQuery]),
  }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant('conversions' as const),
    advance,
    bodies: weighted([4, fc.array(rawConversion, { minLength: 1, maxLength: 1 })], [1, fc.array(rawConversion, { minLength: 2, maxLength: 3 })]),
    /** The first sent twice at once (billing retrying a webhook early, perhaps to another instance). */
    echo: weighted([4, fc.constant(false)], [1, fc.constant(true)]),
  }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resend' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stats' as const), query: rawQuery }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('state' as const), account: fc.nat(4) }) },
)

type RawStep = typeof rawStep extends fc.Arbitrary<infer T> ? T : never
type RawEvent = typeof rawEvent extends fc.Arbitrary<infer T> ? T : never
type RawConversion = typeof rawConversion extends fc.Arbitrary<infer T> ? T : never
type RawQuery = typeof rawQuery extends fc.Arbitrary<infer T> ? T : never

const account = (n: number) => `acct_${n + 1}`
const day = (n: number) => new Date(START + n * DAY).toISOString().slice(0, 10)
/** A UUIDv7 per event made, ordered as they were made. */
const uuid = (n: number) => `0196e0a0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`

/** The arm an account is assigned: accounts take the trigger's arms, its holdout included, in turn. */
function ownArm(trigger: string, accountIndex: number): string {
  const arms = HOLDOUT_TRIGGERS.includes(trigger) ? [...TRIGGERS[trigger]!, 'holdout'] : TRIGGERS[trigger]!
  return arms[accountIndex % arms.length]!
}

/** Turns generated steps into the requests a test sends, in order. */
function concretise(steps: readonly RawStep[], clock: number): Sent[] {
  let cursor = clock
  let made = 0
  const sentEvents: SentEvent[] = []
  const sentConversions: SentConversion[] = []
  const slotTime = (slot: number, jitter: number) => START + Math.min(LAST_SLOT, Math.max(0, slot)) * SLOT + jitter

  const event = (raw: RawEvent): SentEvent[] => {
    const trigger = TRIGGER_IDS[raw.trigger]!
    const variants = [...TRIGGERS[trigger]!, 'holdout']
    const out: SentEvent = {
      id: uuid(made++), type: raw.type, ts: slotTime(cursor + raw.offset, raw.jitter), account: account(raw.account), user: `user_${raw.user + 1}`,
    }
    if (raw.type === 'gate_hit') Object.assign(out, { feature: 'export' })
    else if (raw.type === 'usage') Object.assign(out, { metric: 'seats', value: 3 + raw.user })
    else if (raw.type === 'track') Object.assign(out, { event: 'report_viewed' })
    else {
      out.trigger = trigger
      // A holdout exposure names the holdout arm (as the SDK sends it), whatever arm the account has elsewhere.
      const own = raw.type === 'holdout' ? 'holdout' : ownArm(trigger, raw.account)
      if (raw.arm !== 'none') out.variant = raw.arm === 'own' ? own : variants[raw.arm % variants.length]!
      out.placement = PLACEMENTS[trigger]
    }
    switch (raw.flaw) {
      case 'twice': return [out, out]
      case 'reused-id': if (sentEvents.length > 0) out.id = sentEvents[raw.pick % sentEvents.length]!.id; break
      case 'bad-id': out.id = out.id.replace('-7000-', '-4000-'); break
      case 'stale': out.ts = NOW - 30 * DAY - 1; break
      case 'stale-edge': out.ts = NOW - 30 * DAY; break
      case 'future': out.ts = NOW + DAY + 1; break
      case 'future-edge': out.ts = NOW + DAY; break
      case 'no-trigger': delete out.trigger; break
      case 'unknown-trigger': out.trigger = 'seats-capp'; break
      case 'unknown-variant': out.variant = 'c'; break
      case 'no-field': delete out[NEEDED[raw.type]?.(raw.pick) ?? 'trigger']; break
    }
    return [out]
  }

  const conversion = (raw: RawConversion): SentConversion => {
    const at = slotTime(cursor + raw.offset, raw.jitter)
    // Most recently exposed first.
    const exposed = [...new Set(sentEvents.filter((e) => e.type === 'impression' || e.type === 'holdout').reverse().map((e) => e.account))]
    const who = raw.account < 4 && exposed.length > 0 ? exposed[raw.account % exposed.length]! : account(raw.account)
    const body: SentConversion = { id: `inv_${raw.id + 1}`, account: who, to: raw.to }
    if (raw.mrr !== undefined) body.mrr_delta = raw.mrr
    const times = sentEvents.filter((e) => e.account === who && (e.type === 'impression' || e.type === 'holdout')).map((e) => e.ts)
    if (raw.when === 'slot' || ((raw.when === 'edge' || raw.when === 'late') && times.length === 0)) body.ts = at
    else if (raw.when === 'edge') body.ts = Math.max(...times) + WINDOW + raw.jitter
    else if (raw.when === 'late') body.ts = times.sort((a, b) => a - b)[Math.abs(raw.offset) % times.length]! + (raw.jitter || SLOT / 2)
    else if (raw.when === 'iso') body.ts = new Date(at).toISOString()
    else if (raw.when === 'early') body.ts = START - 2 * DAY
    else if (raw.when === 'invalid') body.ts = raw.jitter === 0 ? Date.UTC(1999, 11, 31) : NOW + DAY + 1
    return body
  }

  const query = (raw: RawQuery): StatsQuery => {
    const out: StatsQuery = {}
    if (raw.from !== null) out.from = day(raw.from)
    if (raw.to) out.to = day(raw.from === null ? 29 - raw.days : raw.from + raw.days - 1)
    if (raw.trigger !== null) out.trigger = raw.trigger === 'nope' ? 'nope' : TRIGGER_IDS[raw.trigger]!
    return out
  }

  return steps.map((step): Sent => {
    switch (step.kind) {
      case 'events': {
        cursor = Math.min(LAST_SLOT, Math.max(0, cursor + step.advance))
        const retried = step.retries.flatMap((pick) => (sentEvents.length > 0 ? [sentEvents[pick % sentEvents.length]!] : []))
        const batches = step.batches.map((batch, i) => [...batch.flatMap(event), ...(i === 0 ? retried : [])])
        if (batches.length > 1) batches.at(-1)!.push(...step.echoes.map((pick) => batches[0]![pick % batches[0]!.length]!))
        // Batches sent at once may share an event (a retry), but not an id with different content: which one would be
        // stored is a race. Within a batch the first of an id is stored, so that is the one the others may repeat.
        const taken = new Map<string, SentEvent>()
        const disjoint = batches.map((batch) => {
          const own = batch.filter((e) => (taken.get(e.id) ?? e) === e)
          for (const e of own) if (!taken.has(e.id)) taken.set(e.id, e)
          return own
        }).filter((batch) => batch.length > 0)
        sentEvents.push(...disjoint.flat())
        return step.race && disjoint.length === 1
          ? { kind: 'events', key: step.key, batches: disjoint, race: query(step.race) }
          : { kind: 'events', key: step.key, batches: disjoint }
      }
      case 'conversions': {
        cursor = Math.min(LAST_SLOT, Math.max(0, cursor + step.advance))
        const fresh = step.bodies.map(conversion)
        // Conversions sent at once may repeat one (a retry), but not an id with another body: which one is recorded is a race.
        const bodies = [...fresh, ...(step.echo ? [fresh[0]!] : [])].filter((body) => fresh.find((b) => b.id === body.id) === body)
        sentConversions.push(...fresh)
        return { kind: 'conversions', bodies }
      }
      case 'resend':
        return sentConversions.length > 0
          ? { kind: 'conversions', bodies: [sentConversions[step.pick % sentConversions.length]!] }
          : { kind: 'state', account: account(0) }
      case 'stats':
        return { kind: 'stats', query: query(step.query) }
      case 'state':
        return { kind: 'state', account: account(step.account) }
    }
  })
}

/** The checks every history ends with: the default range, all the days that can hold data, and each account's state. */
function finalChecks(): Sent[] {
  return [
    { kind: 'stats', query: {} },
    { kind: 'stats', query: { from: day(-3), to: day(30) } },
    ...[0, 1, 2, 3, 4].map((n): Sent => ({ kind: 'state', account: account(n) })),
  ]
}

/**
 * Histories of 1 to 25 requests (event batches, some sent at once, with retries and invalid events; conversions
 * with reused ids; stats and state reads), then the final checks.
 * @example fc.assert(fc.asyncProperty(history, async (sent) => { for (const request of sent) … }))
 */
export const history: fc.Arbitrary<Sent[]> = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.array(rawStep, { minLength: 1, maxLength: 25 }))
  .map(([clock, steps]) => [...concretise(steps, clock), ...finalChecks()])

const time = (ts: number | string | undefined) =>
  ts === undefined ? 'now' : typeof ts === 'string' ? `'${ts}'` : new Date(ts).toISOString().slice(5, 23).replace('T', ' ')

function describeEvent(e: SentEvent): string {
  const subject = e.trigger === undefined ? '' : ` ${e.trigger}${e.variant === undefined ? '' : `/${e.variant}`}`
  return `${e.type}${subject} ${e.account} ${time(e.ts)} #${e.id.slice(-4)}${e.id.includes('-4000-') ? ' (v4 id)' : ''}`
}

const describeQuery = (query: StatsQuery) => `GET /v1/stats?${new URLSearchParams(query as Record<string, string>)}`

/** One line per request, as a counterexample is read. */
export function describeSent(sent: Sent): string {
  switch (sent.kind) {
    case 'events': {
      const posts = sent.batches.map((batch, i) => `${i === 0 ? 'POST' : '  and at once POST'} /v1/events${sent.key ? ' (2nd key)' : ''} [${
        batch.map(describeEvent).join(', ')}]`)
      return [...posts, ...(sent.race ? [`  and at once ${describeQuery(sent.race)}`] : [])].join('\n')
    }
    case 'conversions':
      return sent.bodies.map((body, i) => {
        const { id, account: who, to, mrr_delta: mrr, ts } = body
        return `${i === 0 ? '' : '  and at once '}POST /v1/conversions ${id} ${who} → ${to}${mrr === undefined ? '' : ` mrr ${mrr}`} at ${time(ts)}`
      }).join('\n')
    case 'stats':
      return describeQuery(sent.query)
    case 'state':
      return `GET /v1/state?account=${sent.account}`
  }
}
