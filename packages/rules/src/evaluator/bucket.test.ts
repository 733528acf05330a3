import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { armOf, assignVariant, hashUnit } from './bucket.ts'
import { deriveTrigger } from './deps.ts'
import type { CompiledRules } from './types.ts'

const trigger = (holdoutPercent: number, variants?: Record<string, object>) => deriveTrigger(catalog as CompiledRules, {
  id: 'contacts-80', when: { hasFeature: 'sso' }, audience: {}, prompt: { placement: 'banner', title: 't' }, variants, holdoutPercent,
  frequency: { stopAfterAccept: true }, priority: 0,
})
const accounts = Array.from({ length: 10_000 }, (_, index) => `acct_${index}`)
const share = (arms: string[], arm: string) => (arms.filter((name) => name === arm).length / arms.length) * 100

describe('hashUnit', () => {
  it('maps any text into [0, 1), the same way every time', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const unit = hashUnit(text)
      return unit >= 0 && unit < 1 && hashUnit(text) === unit
    }))
  })

  it('pins known values so every platform buckets alike', () => {
    expect(hashUnit('')).toBe(0.6689221884589642)
    expect(hashUnit('contacts-80:acct_1')).toBe(0.2463133737910539)
  })
})

describe('assignVariant', () => {
  it('is default without an experiment', () => {
    expect(assignVariant(trigger(0), 'acct_1')).toBe('default')
  })

  it('gives an account the same arm on every call', () => {
    fc.assert(fc.property(fc.string(), (account) => {
      const experiment = trigger(10, { a: {}, b: {}, c: {} })
      return assignVariant(experiment, account) === assignVariant(experiment, account)
    }))
  })

  it.each([5, 10, 25, 50])('holds out %i%% of 10,000 accounts within 1.5 points', (percent) => {
    const arms = accounts.map((account) => assignVariant(trigger(percent, { a: {}, b: {} }), account))
    expect(Math.abs(share(arms, 'holdout') - percent)).toBeLessThanOrEqual(1.5)
  })

  it('splits the rest equally across variants', () => {
    const arms = accounts.map((account) => assignVariant(trigger(10, { b: {}, a: {}, c: {} }), account))
    for (const arm of ['a', 'b', 'c']) expect(Math.abs(share(arms, arm) - 30)).toBeLessThanOrEqual(1.5)
  })

  it('only moves accounts into the holdout when it grows, never between variants', () => {
    fc.assert(fc.property(fc.string(), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 100 }), (account, low, extra) => {
      const before = assignVariant(trigger(low, { a: {}, b: {} }), account)
      const after = assignVariant(trigger(Math.min(100, low + extra), { a: {}, b: {} }), account)
      return before === 'holdout' ? after === 'holdout' : after === before || after === 'holdout'
    }))
  })

  it('orders arms by name, not by the order the rules list them', () => {
    expect(accounts.slice(0, 200).every((account) =>
      assignVariant(trigger(0, { b: {}, a: {} }), account) === assignVariant(trigger(0, { a: {}, b: {} }), account))).toBe(true)
  })
})

describe('armOf', () => {
  it('puts a 100% holdout on everyone', () => {
    expect(accounts.slice(0, 100).every((account) => armOf(trigger(100, { a: {} }), account) === undefined)).toBe(true)
  })

  it('returns the arm with its merged copy', () => {
    const arm = armOf(trigger(0, { a: { title: 'A' } }), 'acct_1')
    expect(arm).toMatchObject({ name: 'a', prompt: { variant: 'a', placement: 'banner' }, slot: 'banner', copy: { buyer: { title: 'A', cta: { label: 'Upgrade' } } } })
  })
})
