import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { browserCondition, deriveTriggers, subjectOf, triggerFacts } from './deps.ts'
import { createEvaluator } from './evaluator.ts'
import type { CompiledRules, CompiledTrigger, Condition, DraftTrigger } from './types.ts'

const rules = catalog as CompiledRules
const trigger = (id: string, when: Condition, audience: CompiledTrigger['audience'] = {}): DraftTrigger =>
  ({ id, when, audience, prompt: { placement: 'banner', title: id }, holdoutPercent: 0, frequency: { stopAfterAccept: true }, priority: 0 })

describe('triggerFacts', () => {
  it('lists usage with the account, since the limit comes from the plan', () => {
    expect(triggerFacts({ when: { usage: 'contacts', aboveLimit: true }, audience: {} })).toEqual(['account', 'usage:contacts'])
  })

  it('lists a gate with the account, since it holds only while the plan and add-ons lack the feature', () => {
    expect(triggerFacts({ when: { gate: 'sso', countAtLeast: 1 }, audience: {} })).toEqual(['account', 'gate:sso'])
  })

  it('adds the clock for windows, dates and the age guard', () => {
    expect(triggerFacts({ when: { gate: 'sso', countAtLeast: 1, withinMs: 5 }, audience: {} })).toEqual(['account', 'gate:sso', 'time'])
    expect(triggerFacts({ when: { event: 'e', countAtLeast: 1, withinMs: 5 }, audience: {} })).toEqual(['event:e', 'time'])
    expect(triggerFacts({ when: { renewalWithinMs: 5 }, audience: { minAccountAgeMs: 1 } })).toEqual(['account', 'time'])
  })

  it('reads through all, any and not, and the audience roles read the user', () => {
    const when: Condition = { all: [{ not: { gate: 'sso', countAtLeast: 1 } }, { any: [{ hasAddon: 'x' }, { event: 'e', countAtLeast: 1 }] }] }
    expect(triggerFacts({ when, audience: { roles: ['buyer'] } })).toEqual(['account', 'event:e', 'gate:sso', 'user'])
  })
})

describe('the dependency index (evaluator.affected)', () => {
  const { affected } = createEvaluator({
    ...rules,
    triggers: deriveTriggers(rules, [
      trigger('contacts', { usage: 'contacts', atLeast: { percent: 80 } }),
      trigger('seats', { usage: 'seats', aboveLimit: true }),
      trigger('sso', { gate: 'sso', countAtLeast: 1 }, { roles: ['buyer'] }),
    ]),
  })

  it('returns the triggers reading a fact', () => {
    expect(affected(['usage:contacts'])).toEqual(['contacts'])
    expect(affected(['user'])).toEqual(['sso'])
  })

  it('returns each trigger once for several facts', () => {
    expect(affected(['account', 'usage:contacts']).sort()).toEqual(['contacts', 'seats', 'sso'])
  })

  it('returns nothing for a fact no trigger reads', () => {
    expect(affected(['event:unknown', 'time'])).toEqual([])
  })
})

describe('subjectOf', () => {
  it('finds the first usage metric and gated feature through all and any, not through not', () => {
    const when: Condition = { all: [{ not: { usage: 'seats', aboveLimit: true } }, { any: [{ usage: 'contacts', aboveLimit: true }, { gate: 'sso', countAtLeast: 1 }] }] }
    expect(subjectOf(when, 'usage')).toBe('contacts')
    expect(subjectOf(when, 'gate')).toBe('sso')
    expect(subjectOf({ hasFeature: 'sso' }, 'gate')).toBeUndefined()
  })
})

describe('browserCondition', () => {
  it('rewrites the negative kinds as not of their positive form, inside all, any and not', () => {
    expect(browserCondition({ all: [{ lacksFeature: 'sso' }, { any: [{ lacksAddon: 'x' }, { not: { trait: 't', op: 'neq', value: 1 } }] }] })).toEqual({
      all: [{ not: { hasFeature: 'sso' } }, { any: [{ not: { hasAddon: 'x' } }, { not: { not: { trait: 't', op: 'eq', value: 1 } } }] }],
    })
    expect(browserCondition({ trait: 't', op: 'not_in', value: ['a'] })).toEqual({ not: { trait: 't', op: 'in', value: ['a'] } })
    expect(browserCondition({ trait: 't', op: 'exists', value: false })).toEqual({ not: { trait: 't', op: 'exists', value: true } })
    expect(browserCondition({ event: 'e', countAtLeast: 0, withinMs: 5 })).toEqual({ all: [] })
    expect(browserCondition({ gate: 'sso', countAtLeast: 0 })).toEqual({ not: { hasFeature: 'sso' } })
    expect(browserCondition({ renewalWithinMs: 5 })).toEqual({ date: 'renewsAt', from: 0, to: 5 })
    expect(browserCondition({ accountAgeAtLeastMs: 5 })).toEqual({ date: 'createdAt', to: -5 })
  })

  it('leaves the positive kinds as they are', () => {
    const when: Condition = { all: [{ trait: 't', op: 'gte', value: 2 }, { hasAddon: 'x' }, { usage: 'contacts', aboveLimit: true }] }
    expect(browserCondition(when)).toEqual(when)
  })
})

describe('deriveTrigger', () => {
  it('fills {metric} and {feature} with their labels: braces kept literal, percent-encoded in the URL', () => {
    const odd: CompiledRules = { ...rules, metrics: { contacts: { label: 'a {b} & c' } } }
    const [arm] = deriveTriggers(odd, [{
      ...trigger('t', { all: [{ usage: 'contacts', aboveLimit: true }, { gate: 'sso', countAtLeast: 1 }] }),
      prompt: { placement: 'banner', title: '{metric}: {used}, {{metric}}', body: '{feature}', cta: { label: 'Go', url: '/x?m={metric}' } },
    }])[0]!.arms
    expect(arm!.copy.buyer).toEqual({ title: 'a {{b}} & c: {used}, {{metric}}', body: 'Single sign-on', cta: { label: 'Go', url: '/x?m=a%20%7Bb%7D%20%26%20c' } })
  })
})
