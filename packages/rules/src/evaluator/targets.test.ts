import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { deriveTrigger } from './deps.ts'
import { checkFeature, limitOf, resolveTarget } from './targets.ts'
import type { CompiledRules, CompiledTrigger } from './types.ts'

const rules = catalog as CompiledRules

describe('limitOf', () => {
  it('adds add-on amounts to the plan limit', () => {
    expect(limitOf(rules, { id: 'a', plan: 'free' }, 'contacts')).toBe(1000)
    expect(limitOf(rules, { id: 'a', plan: 'free', addons: ['extra-contacts', 'analytics'] }, 'contacts')).toBe(6000)
  })

  it('is unlimited for a null limit, an absent limit and an unknown plan', () => {
    expect(limitOf(rules, { id: 'a', plan: 'business', addons: ['extra-contacts'] }, 'contacts')).toBeNull()
    expect(limitOf(rules, { id: 'a', plan: 'business' }, 'api_calls')).toBeNull()
    expect(limitOf(rules, { id: 'a', plan: 'legacy' }, 'contacts')).toBeNull()
  })
})

describe('checkFeature', () => {
  it('allows a feature of the plan or of an add-on', () => {
    expect(checkFeature(rules, { id: 'a', plan: 'pro' }, 'segmentation')).toEqual({ allowed: true })
    expect(checkFeature(rules, { id: 'a', plan: 'free', addons: ['analytics'] }, 'dashboards')).toEqual({ allowed: true })
  })

  it('names the cheapest plan above that unlocks a feature', () => {
    expect(checkFeature(rules, { id: 'a', plan: 'free' }, 'segmentation')).toEqual({ allowed: false, requiredPlan: 'pro' })
    expect(checkFeature(rules, { id: 'a', plan: 'free' }, 'sso')).toEqual({ allowed: false, requiredPlan: 'business' })
  })

  it('names an add-on when no plan has the feature', () => {
    expect(checkFeature(rules, { id: 'a', plan: 'free' }, 'dashboards')).toEqual({ allowed: false, requiredAddon: 'analytics' })
  })

  it('names an add-on next to the plan when the add-on costs less per month', () => {
    const cheap: CompiledRules = { ...rules, addons: [{ id: 'seg', name: 'Segments', price: { monthly: 9 }, features: ['segmentation'], limits: {} }] }
    expect(checkFeature(cheap, { id: 'a', plan: 'free' }, 'segmentation')).toEqual({ allowed: false, requiredPlan: 'pro', requiredAddon: 'seg' })
  })

  it('names nothing for a feature nobody sells', () => {
    expect(checkFeature(rules, { id: 'a', plan: 'free' }, 'teleport')).toEqual({ allowed: false })
  })
})

describe('resolveTarget', () => {
  const trigger = (target: string | undefined, when: CompiledTrigger['when'] = { usage: 'contacts', atLeast: { percent: 80 } }) =>
    deriveTrigger(rules, { id: 't', when, audience: {}, prompt: { placement: 'banner', title: 't', target }, holdoutPercent: 0, frequency: { stopAfterAccept: true }, priority: 0 })

  it('resolves next_plan with its limit of the trigger metric', () => {
    expect(resolveTarget(rules, trigger('next_plan'), { id: 'a', plan: 'free' })).toEqual({
      kind: 'plan', id: 'pro', name: 'Pro', price: { monthly: 49, annual: 490 }, limit: 10000,
    })
  })

  it('resolves an add-on target to the limit after buying it', () => {
    expect(resolveTarget(rules, trigger('extra-contacts'), { id: 'a', plan: 'free' })).toMatchObject({ kind: 'addon', id: 'extra-contacts', limit: 6000 })
  })

  it('resolves nothing without a target, for an unknown id or from an unknown plan', () => {
    expect(resolveTarget(rules, trigger(undefined), { id: 'a', plan: 'free' })).toBeUndefined()
    expect(resolveTarget(rules, trigger('platinum'), { id: 'a', plan: 'free' })).toBeUndefined()
    expect(resolveTarget(rules, trigger('next_plan'), { id: 'a', plan: 'legacy' })).toBeUndefined()
  })

  it('resolves cheapest_plan_with_feature only for a trigger with a gate', () => {
    expect(resolveTarget(rules, trigger('cheapest_plan_with_feature'), { id: 'a', plan: 'free' })).toBeUndefined()
    expect(resolveTarget(rules, trigger('cheapest_plan_with_feature', { gate: 'sso', countAtLeast: 1 }), { id: 'a', plan: 'free' }))
      .toMatchObject({ kind: 'plan', id: 'business' })
  })

  it('resolves next_plan_raising_limit without a usage condition as next_plan', () => {
    expect(resolveTarget(rules, trigger('next_plan_raising_limit', { hasFeature: 'sso' }), { id: 'a', plan: 'free' })).toMatchObject({ id: 'pro' })
  })
})
