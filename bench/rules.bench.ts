// Rules evaluation speed: 100 realistic triggers re-evaluated after one usage change, full and incremental,
// next to a hand-written-predicate floor and GrowthBook doing the same checks in the same process.
// Prints; never asserts.
import { createEvaluator, type CompiledRules, type Condition, type DraftTrigger, type EvalContext, type Placement, type TriggerState } from '@nudgekit/rules/evaluator'
import { GrowthBook, type FeatureDefinition } from '@growthbook/growthbook'
import { deriveTriggers } from '../packages/rules/src/evaluator/deps.ts'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 23, 12)
const METRICS = ['contacts', 'seats', 'api_calls', 'storage_gb', 'projects', 'automations', 'emails', 'forms']
const FEATURES = ['segmentation', 'sso', 'audit_log', 'api_access', 'custom_domains', 'workflows', 'dashboards', 'webhooks']
const EVENTS = ['report_viewed', 'export_clicked', 'invite_sent', 'import_finished', 'filter_saved', 'search_run']
const PLACEMENTS: Placement[] = ['banner', 'modal', 'toast', 'inline']

function limits(scale: number): Record<string, number | null> {
  return Object.fromEntries(METRICS.map((metric, index) => [metric, scale === 0 ? null : (index + 1) * 1000 * scale]))
}

/** The kinds mixed the way real rules files mix them: mostly usage and gates, some behaviour and traits. */
function condition(index: number): Condition {
  const metric = METRICS[index % METRICS.length]!
  const feature = FEATURES[index % FEATURES.length]!
  const event = EVENTS[index % EVENTS.length]!
  switch (index % 10) {
    case 0: case 1: case 2: return { usage: metric, atLeast: { percent: 70 + (index % 4) * 10 } }
    case 3: return { usage: metric, aboveLimit: true }
    case 4: case 5: return { gate: feature, countAtLeast: 1 + (index % 3), withinMs: 7 * DAY }
    case 6: return { event, countAtLeast: 5 + (index % 20), withinMs: 30 * DAY }
    case 7: return { trait: 'industry', op: 'in', value: ['retail', 'saas'] }
    case 8: return { all: [{ usage: metric, atLeast: { percent: 90 } }, { lacksAddon: 'analytics' }, { not: { trait: 'churn_risk', op: 'eq', value: true } }] }
    default: return { any: [{ event, countAtLeast: 10, withinMs: 14 * DAY }, { renewalWithinMs: 60 * DAY }, { accountAgeAtLeastMs: 365 * DAY }] }
  }
}

function trigger(index: number): DraftTrigger {
  const when = condition(index)
  const audience = index % 3 === 0 ? { plans: ['free', 'starter'], minAccountAgeMs: 14 * DAY } : index % 3 === 1 ? { roles: ['buyer'] } : {}
  const usage = 'usage' in when || 'all' in when
  return {
    id: `trigger-${index}`,
    when,
    audience,
    prompt: {
      placement: 'gate' in when ? 'inline' : PLACEMENTS[index % 3]!,
      title: usage ? "You've used {used} of {limit} {metric}" : 'gate' in when ? '{feature} is on {target.name}' : 'Teams like yours upgrade',
      body: '{target.name} is {target.price} a month.',
      cta: { label: 'Upgrade to {target.name}', url: '/billing/upgrade?plan={target.id}' },
      target: usage ? 'next_plan_raising_limit' : 'gate' in when ? 'cheapest_plan_with_feature' : 'next_plan',
    },
    variants: index % 7 === 0 ? { a: {}, b: { title: 'Running out of room?' } } : undefined,
    holdoutPercent: index % 7 === 0 ? 10 : 0,
    frequency: { cooldownMs: 3 * DAY, maxImpressions: 5, maxPerSession: 1, maxPerDay: 2, stopAfterAccept: true },
    priority: (usage ? 10 : 0) + (index % 5),
  }
}

const catalog: Omit<CompiledRules, 'triggers'> = {
  version: 2,
  hash: 'bench',
  metrics: Object.fromEntries(METRICS.map((metric) => [metric, { label: metric.replace('_', ' ') }])),
  features: Object.fromEntries(FEATURES.map((feature) => [feature, { label: feature.replace('_', ' ') }])),
  plans: [
    { id: 'free', name: 'Free', price: { monthly: 0 }, limits: limits(1), features: [] },
    { id: 'starter', name: 'Starter', price: { monthly: 19, annual: 190 }, limits: limits(5), features: FEATURES.slice(0, 2) },
    { id: 'pro', name: 'Pro', price: { monthly: 49, annual: 490 }, limits: limits(20), features: FEATURES.slice(0, 6) },
    { id: 'business', name: 'Business', price: { monthly: 199, annual: 1990 }, limits: limits(0), features: FEATURES },
  ],
  addons: [{ id: 'analytics', name: 'Analytics', price: { monthly: 29 }, features: ['dashboards'], limits: {} }],
  defaults: { buyerRoles: ['owner', 'admin', 'billing'], nonBuyer: { cta: { label: 'Ask your admin' } }, locale: 'en-US', currency: 'USD' },
  attribution: { windowMs: 14 * DAY },
}
// What compile() works out for the browser (deps, arms, offers), as for a compiled rules file.
const rules: CompiledRules = { ...catalog, triggers: deriveTriggers(catalog, Array.from({ length: 100 }, (_, index) => trigger(index))) }

const hits = (count: number, every: number) => Array.from({ length: count }, (_, index) => NOW - (count - index) * every)
const ctx: EvalContext = {
  now: NOW,
  account: { id: 'acct_8812', plan: 'free', addons: [], createdAt: NOW - 120 * DAY, renewsAt: NOW + 200 * DAY, traits: { industry: 'saas' } },
  user: { id: 'user_1', role: 'admin' },
  usage: Object.fromEntries(METRICS.map((metric, index) => [metric, index % 2 ? 350 * (index + 1) : 500])),
  gates: { segmentation: hits(3, DAY), sso: hits(1, DAY) },
  events: { report_viewed: hits(40, DAY / 2), invite_sent: hits(4, DAY) },
}
const states = new Map<string, TriggerState>(
  rules.triggers.filter((_, index) => index % 4 === 2).map((t) => [t.id, { impressions: 2, sessionImpressions: 1, dayImpressions: 1, lastShownAt: NOW - 4 * DAY }]),
)
const state = (id: string) => states.get(id)

const evaluator = createEvaluator(rules)
const matched = evaluator.match(ctx)

/** The floor: the same 100 checks written as plain `if`s over precomputed limits, and the priority pick. */
function floor(context: EvalContext, out: boolean[]): number {
  const limit = (metric: string) => (rules.plans[0]!.limits[metric] ?? Infinity)
  const used = context.usage
  let best = -1
  for (let index = 0; index < 100; index++) {
    let hit: boolean
    const metric = METRICS[index % METRICS.length]!
    switch (index % 10) {
      case 0: case 1: case 2: hit = used[metric]! * 100 >= limit(metric) * (70 + (index % 4) * 10); break
      case 3: hit = used[metric]! > limit(metric); break
      case 4: case 5: {
        const times = context.gates[FEATURES[index % FEATURES.length]!]
        const count = 1 + (index % 3)
        hit = times !== undefined && times.length >= count && times[times.length - count]! >= context.now - 7 * DAY
        break
      }
      case 6: {
        const times = context.events[EVENTS[index % EVENTS.length]!]
        const count = 5 + (index % 20)
        hit = times !== undefined && times.length >= count && times[times.length - count]! >= context.now - 30 * DAY
        break
      }
      case 7: hit = context.account.traits!.industry === 'retail' || context.account.traits!.industry === 'saas'; break
      case 8: hit = used[metric]! * 100 >= limit(metric) * 90 && !context.account.addons!.includes('analytics') && context.account.traits!.churn_risk !== true; break
      default: {
        const times = context.events[EVENTS[index % EVENTS.length]!]
        const left = context.account.renewsAt! - context.now
        hit = (times !== undefined && times.length >= 10 && times[times.length - 10]! >= context.now - 14 * DAY) ||
          (left >= 0 && left <= 60 * DAY) || context.now - context.account.createdAt! >= 365 * DAY
      }
    }
    out[index] = hit
    if (hit && (best < 0 || index % 5 > best % 5)) best = index
  }
  return best
}

/**
 * GrowthBook's equivalent: one feature per trigger, targeted by the same condition over attributes the host
 * precomputes (percent of limit, hit counts per window, days to renewal), since its conditions cannot count.
 */
function growthbookCondition(index: number): NonNullable<FeatureDefinition['rules']>[number]['condition'] {
  const metric = METRICS[index % METRICS.length]!
  const feature = FEATURES[index % FEATURES.length]!
  const event = EVENTS[index % EVENTS.length]!
  switch (index % 10) {
    case 0: case 1: case 2: return { [`pct_${metric}`]: { $gte: 70 + (index % 4) * 10 } }
    case 3: return { [`pct_${metric}`]: { $gt: 100 } }
    case 4: case 5: return { [`gate7_${feature}`]: { $gte: 1 + (index % 3) } }
    case 6: return { [`event30_${event}`]: { $gte: 5 + (index % 20) } }
    case 7: return { industry: { $in: ['retail', 'saas'] } }
    case 8: return { $and: [{ [`pct_${metric}`]: { $gte: 90 } }, { has_analytics: false }, { $not: { churn_risk: true } }] }
    default: return { $or: [{ [`event14_${event}`]: { $gte: 10 } }, { renew_days: { $gte: 0, $lte: 60 } }, { age_days: { $gte: 365 } }] }
  }
}
const hitsWithin = (times: readonly number[] | undefined, within: number) => (times ?? []).filter((time) => time >= NOW - within).length
const attributes: Record<string, unknown> = {
  id: ctx.account.id, industry: 'saas', has_analytics: false, renew_days: 200, age_days: 120,
  ...Object.fromEntries(METRICS.map((metric) => [`pct_${metric}`, (ctx.usage[metric]! * 100) / rules.plans[0]!.limits[metric]!])),
  ...Object.fromEntries(FEATURES.map((feature) => [`gate7_${feature}`, hitsWithin(ctx.gates[feature], 7 * DAY)])),
  ...Object.fromEntries(EVENTS.flatMap((event) => [[`event30_${event}`, hitsWithin(ctx.events[event], 30 * DAY)], [`event14_${event}`, hitsWithin(ctx.events[event], 14 * DAY)]])),
}
const growthbook = new GrowthBook({
  attributes,
  features: Object.fromEntries(rules.triggers.map((_, index) => [`trigger-${index}`, { defaultValue: false, rules: [{ condition: growthbookCondition(index), force: true }] }])),
})
const featureKeys = rules.triggers.map((_, index) => `trigger-${index}`)

type Stats = [median: number, min: number, max: number]

/**
 * µs per call of each candidate. Samples are interleaved (one batch of each candidate per round), so load
 * from other processes on a shared machine hits every candidate alike and the ratios stay meaningful.
 */
function measure(candidates: Record<string, () => void>, perSample = 1_000, rounds = 200): Record<string, Stats> {
  const entries = Object.entries(candidates)
  for (const [, run] of entries) for (let warm = 0; warm < perSample * 20; warm++) run()
  const samples = Object.fromEntries(entries.map(([name]) => [name, [] as number[]]))
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of entries) {
      const start = process.hrtime.bigint()
      for (let iteration = 0; iteration < perSample; iteration++) run()
      samples[name]!.push(Number(process.hrtime.bigint() - start) / 1_000 / perSample)
    }
  }
  return Object.fromEntries(entries.map(([name]) => {
    const sorted = samples[name]!.sort((a, b) => a - b)
    return [name, [sorted[sorted.length >> 1]!, sorted[0]!, sorted[sorted.length - 1]!] as Stats]
  }))
}

// Each iteration changes the one usage fact, as `setUsage('contacts', …)` does between two renders, so the
// shown prompts reading it ("You've used 712.3 of 1,000 contacts") are rendered again every time; the 1,000
// values in turn outnumber the formatter's cache, so every one is formatted by Intl again.
let step = 0
const contacts = () => (ctx.usage.contacts = 700 + (++step % 1000) / 10)
const floorOut: boolean[] = []
const results = measure({
  'floor: 100 plain ifs + priority pick': () => {
    contacts()
    floor(ctx, floorOut)
  },
  'full: match(all 100) + decide': () => {
    contacts()
    evaluator.decide(ctx, evaluator.match(ctx, undefined, matched), state)
  },
  'of which match(all 100) alone': () => {
    contacts()
    evaluator.match(ctx, undefined, matched)
  },
  'full, no shown copy reads the change': () => {
    ctx.usage.storage_gb = 1400 + (++step % 1000) / 10
    evaluator.decide(ctx, evaluator.match(ctx, undefined, matched), state)
  },
  'incremental: affected + match + decide': () => {
    contacts()
    evaluator.decide(ctx, evaluator.match(ctx, evaluator.affected(['usage:contacts']), matched), state, ['usage:contacts'])
  },
  'GrowthBook 1.8: 100 evalFeature': () => {
    attributes.pct_contacts = contacts() / 10
    for (const key of featureKeys) growthbook.evalFeature(key)
  },
})

const decisions = evaluator.decide(ctx, evaluator.match(ctx), state).decisions
const count = (status: string) => decisions.filter((decision) => decision.status === status).length
console.log(`rules evaluation, ${rules.triggers.length} triggers (${count('show')} show, ${count('suppressed')} suppressed, ${count('holdout')} holdout, ${count('not_matched')} not matched), ${evaluator.affected(['usage:contacts']).length} read usage:contacts`)
console.log(`matched: nudgekit ${[...evaluator.match(ctx).values()].filter(Boolean).length}, GrowthBook ${featureKeys.filter((key) => growthbook.isOn(key)).length} features on`)
console.log(`node ${process.version}; µs per evaluation: median (min–max) of 200 interleaved samples\n`)
const floorMedian = Object.values(results)[0]![0]
for (const [name, [median, min, max]] of Object.entries(results)) {
  console.log(`${name.padEnd(42)} ${median.toFixed(2).padStart(7)} µs  (${min.toFixed(2)}–${max.toFixed(2)})  ${(median / floorMedian).toFixed(1)}× floor`)
}
console.log('\nshown:', Object.values(evaluator.decide(ctx, evaluator.match(ctx), state).prompts).map((prompt) => `${prompt.placement} ${prompt.trigger}: ${prompt.title}`).join('; '))
