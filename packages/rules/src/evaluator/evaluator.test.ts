import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { deriveTrigger } from './deps.ts'
import { createEvaluator } from './index.ts'
import type { CompiledRules, CompiledTrigger, Condition, EvalContext, FactKey, PromptTemplate, TriggerState } from './types.ts'

const rules = catalog as CompiledRules
const NOW = 1_750_000_000_000
const DAY = 86_400_000
const METRICS = ['contacts', 'seats', 'storage_gb']
const NAMES = ['segmentation', 'sso', 'dashboards']

const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ usage: fc.constantFrom(...METRICS), atLeast: fc.oneof(fc.record({ percent: fc.integer({ min: 0, max: 150 }) }), fc.record({ value: fc.integer({ min: 0, max: 5000 }) })) }),
  fc.record({ usage: fc.constantFrom(...METRICS), aboveLimit: fc.constant(true as const) }),
  fc.record({ gate: fc.constantFrom(...NAMES), countAtLeast: fc.integer({ min: 1, max: 3 }), withinMs: fc.option(fc.constantFrom(DAY, 7 * DAY), { nil: undefined }) }),
  fc.record({ event: fc.constantFrom('report', 'export'), countAtLeast: fc.integer({ min: 1, max: 4 }), withinMs: fc.constantFrom(DAY, 30 * DAY) }),
  fc.record({ renewalWithinMs: fc.constantFrom(DAY, 60 * DAY) }),
  fc.record({ accountAgeAtLeastMs: fc.constantFrom(DAY, 90 * DAY) }),
  fc.record({ trait: fc.constant('employees'), op: fc.constantFrom('gt' as const, 'lte' as const, 'exists' as const), value: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ hasFeature: fc.constantFrom(...NAMES) }),
  fc.record({ lacksAddon: fc.constantFrom('analytics', 'extra-contacts') }),
)
const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node

const hits = fc.array(fc.integer({ min: 0, max: 40 * DAY }), { maxLength: 5 }).map((ages) => ages.map((age) => NOW - age).sort((a, b) => a - b))
const context: fc.Arbitrary<EvalContext> = fc.record({
  now: fc.constant(NOW),
  account: fc.record({
    id: fc.constant('acct_1'),
    plan: fc.constantFrom('free', 'pro', 'business'),
    addons: fc.subarray(['analytics', 'extra-contacts']),
    createdAt: fc.option(fc.integer({ min: NOW - 200 * DAY, max: NOW }), { nil: undefined }),
    renewsAt: fc.option(fc.integer({ min: NOW - DAY, max: NOW + 90 * DAY }), { nil: undefined }),
    traits: fc.record({ employees: fc.integer({ min: 0, max: 100 }) }),
  }),
  user: fc.record({ id: fc.constant('user_1'), role: fc.constantFrom('owner', 'member') }),
  usage: fc.record({ contacts: fc.integer({ min: 0, max: 12000 }), seats: fc.integer({ min: 0, max: 60 }), storage_gb: fc.integer({ min: 0, max: 60 }) }),
  gates: fc.record({ segmentation: hits, sso: hits, dashboards: hits }),
  events: fc.record({ report: hits, export: hits }),
})

type Change = [FactKey, (ctx: EvalContext) => void]

/** One fact changed in place, as the SDK does between two evaluations. */
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.tuple(fc.constantFrom(...METRICS), fc.integer({ min: 0, max: 12000 })).map(([metric, value]): Change => [`usage:${metric}`, (ctx) => { ctx.usage[metric] = value }]),
  fc.tuple(fc.constantFrom(...NAMES), hits).map(([feature, list]): Change => [`gate:${feature}`, (ctx) => { ctx.gates[feature] = list }]),
  fc.constantFrom('pro', 'business').map((plan): Change => ['account', (ctx) => { ctx.account = { ...ctx.account, plan } }]),
  fc.integer({ min: 1, max: 60 * DAY }).map((ms): Change => ['time', (ctx) => { ctx.now += ms }]),
)

const triggersOf = (conditions: Condition[], prompt: Partial<PromptTemplate> = {}): CompiledTrigger[] =>
  conditions.map((when, index) => deriveTrigger(rules, {
    id: `t${index}`, when, audience: {}, prompt: { placement: 'banner', title: 't', ...prompt }, holdoutPercent: 0,
    frequency: { stopAfterAccept: true }, priority: 0,
  }))

describe('createEvaluator', () => {
  it('matching the affected triggers after a change equals matching them all', () => {
    fc.assert(fc.property(fc.array(condition, { minLength: 1, maxLength: 12 }), context, change, (conditions, ctx, [fact, apply]) => {
      const evaluator = createEvaluator({ ...rules, triggers: triggersOf(conditions) })
      const incremental = evaluator.match(ctx)
      apply(ctx)
      evaluator.match(ctx, evaluator.affected([fact]), incremental)
      expect(incremental).toEqual(evaluator.match(ctx))
    }), { numRuns: 300 })
  })

  it('deciding after a change with the changed facts equals deciding from scratch', () => {
    const draft = fc.record({
      when: condition,
      placement: fc.constantFrom('banner' as const, 'modal' as const),
      priority: fc.integer({ min: 0, max: 3 }),
      plans: fc.option(fc.subarray(['free', 'pro']), { nil: undefined }),
      maxPerSession: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
      state: fc.option(fc.record({ impressions: fc.nat(3), sessionImpressions: fc.nat(3), dayImpressions: fc.nat(3), snoozedUntil: fc.constantFrom(NOW - DAY, NOW + DAY), showing: fc.boolean() }), { nil: undefined }),
    })
    fc.assert(fc.property(fc.array(draft, { minLength: 1, maxLength: 10 }), context, fc.array(change, { minLength: 1, maxLength: 3 }), (drafts, ctx, changes) => {
      const triggers = drafts.map(({ when, placement, priority, plans, maxPerSession }, index) => deriveTrigger(rules, {
        id: `t${index}`, when, audience: plans ? { plans } : {}, prompt: { placement, title: '{used} of {limit}', target: 'next_plan' }, holdoutPercent: 0,
        frequency: { stopAfterAccept: true, maxPerSession }, priority,
      }))
      const states = new Map(drafts.map(({ state }, index) => [`t${index}`, state]))
      const state = (id: string) => states.get(id)
      const summary = (decisions: ReturnType<ReturnType<typeof createEvaluator>['decide']>['decisions']) =>
        decisions.map(({ status, reason, variant, detail, prompt }) => [status, reason, variant, detail, prompt?.title])
      const incremental = createEvaluator({ ...rules, triggers })
      const matched = incremental.match(ctx)
      incremental.decide(ctx, matched, state)
      for (const [fact, apply] of changes) {
        apply(ctx)
        incremental.match(ctx, incremental.affected([fact]), matched)
        const fresh = createEvaluator({ ...rules, triggers })
        expect(summary(incremental.decide(ctx, matched, state, [fact]).decisions)).toEqual(summary(fresh.decide(ctx, fresh.match(ctx), state).decisions))
      }
    }), { numRuns: 300 })
  })

  it('checks an outranked trigger again, since leaving the screen lets its caps apply', () => {
    const triggers = [{ usage: 'contacts', atLeast: { value: 1 } }, { usage: 'seats', atLeast: { value: 1 } }].map((when, index) => deriveTrigger(rules, {
      id: `t${index}`, when, audience: {}, prompt: { placement: 'banner', title: 't' }, holdoutPercent: 0,
      frequency: { stopAfterAccept: true, maxPerSession: 1 }, priority: index,
    }))
    const evaluator = createEvaluator({ ...rules, triggers })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: { contacts: 5, seats: 0 }, gates: {}, events: {} }
    // t0 is on screen once (its impression counted), then t1 takes the banner, then leaves it.
    const states: Record<string, TriggerState> = { t0: { impressions: 1, sessionImpressions: 1, dayImpressions: 1, showing: true } }
    const decide = (fact: FactKey) => {
      const decisions = evaluator.decide(ctx, evaluator.match(ctx, evaluator.affected([fact]), matched), (id) => states[id], [fact]).decisions
      // What the SDK does: a trigger without a prompt is no longer on screen.
      if (!decisions[0]!.prompt) states.t0!.showing = false
      return decisions.map(({ status, reason }) => reason ?? status)
    }
    const matched = evaluator.match(ctx)
    expect(evaluator.decide(ctx, matched, (id) => states[id]).decisions.map(({ status }) => status)).toEqual(['show', 'not_matched'])
    ctx.usage.seats = 3
    expect(decide('usage:seats')).toEqual(['outranked', 'show'])
    ctx.usage.seats = 0
    expect(decide('usage:seats')).toEqual(['max_per_session', 'not_matched'])
  })

  it('matches only the requested triggers into the given map', () => {
    const evaluator = createEvaluator({ ...rules, triggers: triggersOf([{ hasFeature: 'sso' }, { lacksFeature: 'sso' }]) })
    const into = new Map([['t0', true]])
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: {}, gates: {}, events: {} }
    expect(evaluator.match(ctx, ['t1', 'unknown'], into)).toBe(into)
    expect([...into]).toEqual([['t0', true], ['t1', true]])
  })

  it('returns the same decision object for an unmatched trigger on every evaluation', () => {
    const evaluator = createEvaluator({ ...rules, triggers: triggersOf([{ hasFeature: 'sso' }]) })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: {}, gates: {}, events: {} }
    const first = evaluator.decide(ctx, evaluator.match(ctx), () => undefined).decisions[0]
    expect(evaluator.decide(ctx, evaluator.match(ctx), () => undefined).decisions[0]).toBe(first)
  })

  it('returns the same prompt object while its copy cannot change', () => {
    const evaluator = createEvaluator({ ...rules, triggers: triggersOf([{ usage: 'contacts', atLeast: { percent: 80 } }]) })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: { contacts: 900 }, gates: {}, events: {} }
    const first = evaluator.decide(ctx, evaluator.match(ctx), () => undefined).prompts.banner
    expect(evaluator.decide(ctx, evaluator.match(ctx), () => undefined).prompts.banner).toBe(first)
    ctx.usage.contacts = 950
    expect(evaluator.decide(ctx, evaluator.match(ctx), () => undefined).prompts.banner).not.toBe(first)
  })

  it('renders a new prompt object once a number its copy reads changes', () => {
    const triggers = triggersOf([{ usage: 'contacts', atLeast: { percent: 80 } }], { title: '{used} of {limit}' })
    const evaluator = createEvaluator({ ...rules, triggers })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: { contacts: 900 }, gates: {}, events: {} }
    const matched = evaluator.match(ctx)
    const first = evaluator.decide(ctx, matched, () => undefined).prompts.banner
    ctx.usage.contacts = 950
    const second = evaluator.decide(ctx, evaluator.match(ctx, evaluator.affected(['usage:contacts']), matched), () => undefined).prompts.banner
    expect(second).not.toBe(first)
    expect(second?.title).toBe('950 of 1,000')
  })

  it('keeps the map it filled current when given it again, writing only what changed', () => {
    const evaluator = createEvaluator({ ...rules, triggers: triggersOf([{ usage: 'contacts', atLeast: { value: 5 } }, { hasFeature: 'sso' }]) })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: { contacts: 1 }, gates: {}, events: {} }
    const matched = evaluator.match(ctx)
    ctx.usage.contacts = 9
    expect(evaluator.match(ctx, undefined, matched)).toBe(matched)
    expect([...matched]).toEqual([['t0', true], ['t1', false]])
    expect(evaluator.decide(ctx, matched, () => undefined).decisions.map((decision) => decision.status)).toEqual(['show', 'not_matched'])
    expect(evaluator.decide(ctx, new Map([['t1', true]]), () => undefined).decisions.map((decision) => decision.status)).toEqual(['not_matched', 'show'])
  })

  it('decides a new plan once the account object changes', () => {
    const triggers = triggersOf([{ usage: 'contacts', atLeast: { value: 1 } }], { target: 'next_plan' })
    const evaluator = createEvaluator({ ...rules, triggers })
    const ctx: EvalContext = { now: NOW, account: { id: 'a', plan: 'free' }, user: { id: 'u' }, usage: { contacts: 5 }, gates: {}, events: {} }
    expect(evaluator.decide(ctx, evaluator.match(ctx), () => undefined).prompts.banner?.target?.id).toBe('pro')
    ctx.account = { ...ctx.account, plan: 'pro' }
    expect(evaluator.decide(ctx, evaluator.match(ctx), () => undefined).prompts.banner?.target?.id).toBe('business')
  })

  it('refuses rules of a version it does not know, saying what to do', () => {
    expect(() => createEvaluator({ ...rules, version: 3 } as unknown as CompiledRules)).toThrow(/\[nudgekit\] Failed to load rules: .*version 3.*Upgrade/)
    expect(() => createEvaluator({ ...rules, version: 1 } as unknown as CompiledRules)).toThrow(/version 1/)
  })
})
