import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { compileCondition, traitHolds } from './conditions.ts'
import { browserCondition } from './deps.ts'
import type { CompiledRules, Condition, EvalContext, TraitOp } from './types.ts'

const rules = catalog as CompiledRules
const NOW = 1_750_000_000_000
const ctx = (over: Partial<EvalContext> = {}): EvalContext => ({
  now: NOW,
  account: { id: 'a1', plan: 'free' },
  user: { id: 'u1' },
  usage: {},
  gates: {},
  events: {},
  ...over,
})
// As compile() delivers them: the negative kinds rewritten as `not`.
const holds = (condition: Condition, context: EvalContext) => compileCondition(rules, browserCondition(condition))(context)
const trait = (op: TraitOp, actual: unknown, value: unknown) => holds({ trait: 't', op, value }, ctx({ account: { id: 'a1', plan: 'free', traits: { t: actual } } }))

describe('traitHolds', () => {
  it('compares equal values strictly', () => {
    expect(traitHolds('eq', 1, 1)).toBe(true)
    expect(traitHolds('eq', '1', 1)).toBe(false)
    expect(trait('neq', '1', 1)).toBe(true)
    expect(trait('neq', 1, 1)).toBe(false)
  })

  it('orders numbers and strings but never a mix of them', () => {
    expect(traitHolds('gt', 2, 1)).toBe(true)
    expect(traitHolds('lte', 'b', 'a')).toBe(false)
    expect(traitHolds('gt', '2', 1)).toBe(false)
    expect(traitHolds('lt', undefined, 1)).toBe(false)
  })

  it('tests membership only against a list', () => {
    expect(traitHolds('in', 'eu', ['eu', 'uk'])).toBe(true)
    expect(traitHolds('in', 'eu', 'eu')).toBe(false)
    expect(trait('not_in', 'us', ['eu', 'uk'])).toBe(true)
    expect(trait('not_in', 'eu', ['eu', 'uk'])).toBe(false)
  })

  it('treats null as absent for exists, and value false asks for absence', () => {
    expect(traitHolds('exists', null, undefined)).toBe(false)
    expect(traitHolds('exists', 0, undefined)).toBe(true)
    expect(trait('exists', undefined, false)).toBe(true)
    expect(trait('exists', 0, false)).toBe(false)
  })
})

describe('compileCondition', () => {
  it('counts a hit exactly at the window edge', () => {
    const condition: Condition = { event: 'e', countAtLeast: 2, withinMs: 1000 }
    expect(holds(condition, ctx({ events: { e: [NOW - 1000, NOW] } }))).toBe(true)
    expect(holds(condition, ctx({ events: { e: [NOW - 1001, NOW] } }))).toBe(false)
  })

  it('needs the most recent hits, however many older ones there are', () => {
    const old = Array.from({ length: 50 }, (_, index) => NOW - 100_000 + index)
    expect(holds({ gate: 'sso', countAtLeast: 3, withinMs: 10 }, ctx({ gates: { sso: [...old, NOW - 5, NOW] } }))).toBe(false)
    expect(holds({ gate: 'sso', countAtLeast: 3, withinMs: 10 }, ctx({ gates: { sso: [...old, NOW - 9, NOW - 5, NOW] } }))).toBe(true)
  })

  it('holds a gate only while the account lacks the feature, whatever its hits', () => {
    const gates = { segmentation: [NOW - 1000], dashboards: [NOW - 1000] }
    expect(holds({ gate: 'segmentation', countAtLeast: 1 }, ctx({ gates }))).toBe(true)
    expect(holds({ gate: 'segmentation', countAtLeast: 1 }, ctx({ gates, account: { id: 'a1', plan: 'pro' } }))).toBe(false)
    expect(holds({ gate: 'dashboards', countAtLeast: 1 }, ctx({ gates, account: { id: 'a1', plan: 'pro', addons: ['analytics'] } }))).toBe(false)
    expect(holds({ gate: 'segmentation', countAtLeast: 0 }, ctx({ account: { id: 'a1', plan: 'pro' } }))).toBe(false)
    expect(holds({ gate: 'segmentation', countAtLeast: 0 }, ctx())).toBe(true)
  })

  it('re-checks the feature when the account object changes (an upgrade)', () => {
    const predicate = compileCondition(rules, { gate: 'segmentation', countAtLeast: 1 })
    const context = ctx({ gates: { segmentation: [NOW] } })
    expect(predicate(context)).toBe(true)
    context.account = { ...context.account, plan: 'pro' }
    expect(predicate(context)).toBe(false)
  })

  it('counts no hits for names an object inherits', () => {
    expect(holds({ event: 'toString', countAtLeast: 1 }, ctx())).toBe(false)
    expect(holds({ gate: 'constructor', countAtLeast: 1 }, ctx())).toBe(false)
  })

  it('reads usage changes made to the same context object', () => {
    const predicate = compileCondition(rules, { usage: 'contacts', atLeast: { percent: 80 } })
    const context = ctx({ usage: { contacts: 10 } })
    expect(predicate(context)).toBe(false)
    context.usage.contacts = 800
    expect(predicate(context)).toBe(true)
  })

  it('compares percentages without floating-point drift', () => {
    const predicate = compileCondition(rules, { usage: 'api_calls', atLeast: { percent: 57 } })
    expect(predicate(ctx({ usage: { api_calls: 5700 } }))).toBe(true)
    expect(predicate(ctx({ usage: { api_calls: 5699 } }))).toBe(false)
  })

  it('never matches a condition kind it does not know', () => {
    expect(holds({ weather: 'sunny' } as unknown as Condition, ctx())).toBe(false)
  })

  it('negates lacks_feature and lacks_addon', () => {
    expect(holds({ lacksFeature: 'segmentation' }, ctx())).toBe(true)
    expect(holds({ lacksFeature: 'segmentation' }, ctx({ account: { id: 'a1', plan: 'pro' } }))).toBe(false)
    expect(holds({ lacksAddon: 'analytics' }, ctx({ account: { id: 'a1', plan: 'free', addons: ['analytics'] } }))).toBe(false)
  })

  it('evaluates empty all as true and empty any as false', () => {
    expect(holds({ all: [] }, ctx())).toBe(true)
    expect(holds({ any: [] }, ctx())).toBe(false)
  })
})
