import { describe, expect, it } from 'vitest'
import catalog from '../../spec/catalog.json' with { type: 'json' }
import { compileAudience as compileChecks, isBuyer } from './conditions.ts'
import { audienceChecks } from './deps.ts'
import type { CompiledAudience, CompiledRules, EvalContext } from './types.ts'

const rules = catalog as CompiledRules
// As the browser gets an audience: the checks compile() lists.
const compileAudience = (rules: CompiledRules, audience: CompiledAudience) => compileChecks(rules, audienceChecks(audience))
const ctx: EvalContext = { now: 100, account: { id: 'a', plan: 'free' }, user: { id: 'u', role: 'member' }, usage: {}, gates: {}, events: {} }

describe('isBuyer', () => {
  it('counts the buyer roles and a missing role as buyers', () => {
    expect(isBuyer(rules, 'billing')).toBe(true)
    expect(isBuyer(rules, undefined)).toBe(true)
    expect(isBuyer(rules, 'member')).toBe(false)
  })
})

describe('compileAudience', () => {
  it('lets everyone into an empty audience', () => {
    expect(compileAudience(rules, {})(ctx)).toBeUndefined()
  })

  it('reports the first check that fails: plan, then role, then age, then traits', () => {
    const audience = { plans: ['pro'], roles: ['buyer'], minAccountAgeMs: 10, traits: [{ trait: 'x', op: 'exists' as const }] }
    expect(compileAudience(rules, audience)(ctx)).toBe('audience_plan')
    expect(compileAudience(rules, { ...audience, plans: ['free'] })(ctx)).toBe('audience_role')
    expect(compileAudience(rules, { ...audience, plans: ['free'], roles: ['member'] })(ctx)).toBe('account_age')
    expect(compileAudience(rules, { ...audience, plans: ['free'], roles: ['non_buyer'], minAccountAgeMs: undefined })(ctx)).toBe('audience_trait')
    expect(compileAudience(rules, { ...audience, plans: ['free'], roles: ['non_buyer'], minAccountAgeMs: undefined, traits: [] })(ctx)).toBeUndefined()
  })

  it('fails the age guard for an unknown creation date, and passes it once old enough', () => {
    expect(compileAudience(rules, { minAccountAgeMs: 10 })(ctx)).toBe('account_age')
    expect(compileAudience(rules, { minAccountAgeMs: 10 })({ ...ctx, account: { ...ctx.account, createdAt: 90 } })).toBeUndefined()
  })

  it('counts buyer and non_buyer by the buyer roles, and other names as roles', () => {
    expect(compileAudience(rules, { roles: ['buyer'] })({ ...ctx, user: { id: 'u', role: 'admin' } })).toBeUndefined()
    expect(compileAudience(rules, { roles: ['buyer'] })({ ...ctx, user: { id: 'u' } })).toBeUndefined()
    expect(compileAudience(rules, { roles: ['non_buyer'] })({ ...ctx, user: { id: 'u', role: 'admin' } })).toBe('audience_role')
    expect(compileAudience(rules, { roles: ['member'] })(ctx)).toBeUndefined()
  })
})
