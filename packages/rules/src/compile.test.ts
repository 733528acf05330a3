import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compile, hashPayload } from './compile.ts'
import { loadRules } from './load.ts'
import type { Rules } from './schema.ts'

const acme = readFileSync(new URL('../../../examples/rules/acme-crm.yaml', import.meta.url), 'utf8')

function load(text: string) {
  const result = loadRules(text, { filename: 'acme-crm.yaml' })
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'))
  return result
}

describe('the Acme CRM example', () => {
  it('loads without errors or warnings', () => {
    expect(load(acme).warnings).toEqual([])
  })

  it('loads from JSON to the same compiled rules as from YAML', () => {
    const json = JSON.stringify(parse(acme), null, 2)
    const fromJson = loadRules(json, { filename: 'acme-crm.json' })
    expect(fromJson.ok && fromJson.compiled).toEqual(load(acme).compiled)
  })

  it('uses every condition kind', () => {
    const kinds = new Set<string>()
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit)
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          kinds.add(key)
          visit(child)
        }
      }
    }
    for (const trigger of load(acme).rules.triggers ?? []) visit(trigger.when)
    for (const kind of ['usage', 'above_limit', 'at_least', 'gate', 'event', 'renewal_within', 'account_age_at_least', 'trait', 'has_feature', 'lacks_feature', 'has_addon', 'lacks_addon', 'all', 'any', 'not']) {
      expect(kinds, kind).toContain(kind)
    }
  })
})

describe('compile', () => {
  it('turns durations into milliseconds, parses percentages and merges default frequency', () => {
    const { arms: _arms, targets: _targets, checks, caps, ...trigger } = load(acme).compiled.triggers.find((t) => t.id === 'contacts-80')!
    expect(trigger).toEqual({
      id: 'contacts-80',
      when: { usage: 'contacts', atLeast: { percent: 80 } },
      audience: { plans: ['free'], minAccountAgeMs: 7 * 86_400_000 },
      prompt: {
        placement: 'banner',
        title: "You've used {used} of {limit} contacts",
        body: '{target.name} raises the limit to {target.limit} contacts, from {target.price} a month.',
        cta: { label: 'Upgrade to {target.name}', url: '/billing/upgrade?plan={target.id}&from=contacts-80' },
        dismissLabel: 'Not now',
        target: 'next_plan_raising_limit',
        nonBuyer: { body: '{target.name} raises the limit to {target.limit} contacts. Your admin can upgrade the team.' },
      },
      variants: { control: {}, room: { title: 'Running out of room? {remaining} contacts left' } },
      holdoutPercent: 10,
      frequency: { cooldownMs: 3 * 86_400_000, snoozeOnDismissMs: 7 * 86_400_000, maxImpressions: 5, maxPerSession: 1, maxPerDay: 2, stopAfterAccept: true },
      priority: 10,
      deps: ['account', 'time', 'usage:contacts'],
      metric: 'contacts',
    })
    expect(checks).toEqual([['audience_plan', { planIn: ['free'] }], ['account_age', { date: 'createdAt', to: -7 * 86_400_000 }]])
    expect(caps).toEqual([['max_impressions', 'impressions', 5], ['max_per_session', 'sessionImpressions', 1], ['max_per_day', 'dayImpressions', 2]])
  })

  it('merges each experiment arm for the browser: variant over prompt, non-buyer copy over both, sorted by name', () => {
    const { compiled } = load(acme)
    const trigger = compiled.triggers.find((t) => t.id === 'contacts-80')!
    expect(compiled.version).toBe(2)
    expect(trigger.arms.map((arm) => arm.name)).toEqual(['control', 'room'])
    expect(trigger.arms[1]).toEqual({
      name: 'room',
      prompt: { key: 'contacts-80:room', trigger: 'contacts-80', variant: 'room', placement: 'banner', metric: 'contacts', priority: 10 },
      slot: 'banner',
      target: 'next_plan_raising_limit',
      copy: {
        buyer: {
          title: 'Running out of room? {remaining} contacts left',
          body: '{target.name} raises the limit to {target.limit} contacts, from {target.price} a month.',
          cta: { label: 'Upgrade to {target.name}', url: '/billing/upgrade?plan={target.id}&from=contacts-80' },
          dismissLabel: 'Not now',
        },
        non_buyer: {
          title: 'Running out of room? {remaining} contacts left',
          body: '{target.name} raises the limit to {target.limit} contacts. Your admin can upgrade the team.',
          cta: { label: 'Ask your admin' },
          dismissLabel: 'Not now',
        },
      },
    })
    expect(compiled.triggers.find((t) => t.id === 'segmentation-gate')!.arms[0]).toMatchObject({ name: 'default', prompt: { placement: 'inline', feature: 'segmentation' }, slot: 'inline:segmentation' })
  })

  it('lists each target\'s offers per plan: nothing from an unknown plan or the top, add-ons for every plan', () => {
    const { compiled } = load(acme)
    const targets = (id: string) => compiled.triggers.find((t) => t.id === id)!.targets
    // plans free (0), pro (1), business (2), then the analytics add-on (3); entry 0 is an unknown plan
    expect(targets('contacts-80')).toEqual({ next_plan_raising_limit: [[], [1], [2], []] })
    expect(targets('sso-gate')).toEqual({ cheapest_plan_with_feature: [[], [2], [2], []] })
    expect(targets('reports-cross-sell')).toEqual({ analytics: [[3], [3], [3], [3]] })
    expect(targets('priority-support')).toEqual({ business: [[], [2], [2], [2]] })
    expect(targets('renewal-annual')).toEqual({})
  })

  it('compiles composed conditions, trait comparisons and audience traits', () => {
    const { compiled } = load(acme)
    const renewal = compiled.triggers.find((t) => t.id === 'renewal-annual')!
    expect(renewal.when).toEqual({
      all: [{ date: 'renewsAt', from: 0, to: 30 * 86_400_000 }, { trait: 'billing_cycle', op: 'eq', value: 'monthly' }, { not: { trait: 'discount_code', op: 'exists', value: true } }],
    })
    expect(renewal.audience).toEqual({
      plans: ['pro', 'business'],
      roles: ['buyer'],
      traits: [{ trait: 'payment_method', op: 'eq', value: 'card' }, { trait: 'seats_purchased', op: 'gte', value: 2 }],
    })
    expect(renewal.deps).toEqual(['account', 'time', 'user'])
    expect(compiled.triggers.find((t) => t.id === 'api-calls-high')!.when).toEqual({
      any: [{ usage: 'api_calls', aboveLimit: true }, { all: [{ usage: 'api_calls', atLeast: { percent: 90 } }, { date: 'createdAt', to: -30 * 86_400_000 }] }],
    })
    expect(compiled.triggers.find((t) => t.id === 'sso-gate')!.when).toEqual({ all: [{ gate: 'sso', countAtLeast: 2, withinMs: 14 * 86_400_000 }, { hasFeature: 'segmentation' }] })
  })

  it('fills defaults: buyer roles, non-buyer CTA, currency, attribution window, priority, stop after accept', () => {
    const compiled = compile({ version: 1, plans: [{ id: 'free', name: 'Free' }], triggers: [{ id: 't', when: { event: 'e', count_at_least: 2 }, prompt: { placement: 'toast', title: 'Hi' } }] })
    expect(compiled.defaults).toEqual({ buyerRoles: ['owner', 'admin', 'billing'], nonBuyer: { cta: { label: 'Ask your admin' } }, currency: 'USD' })
    expect(compiled.attribution).toEqual({ windowMs: 14 * 86_400_000 })
    expect(compiled.plans).toEqual([{ id: 'free', name: 'Free', price: {}, limits: {}, features: [] }])
    expect(compiled.triggers[0]).toMatchObject({ priority: 0, holdoutPercent: 0, frequency: { stopAfterAccept: true }, audience: {}, deps: ['event:e'] })
  })

  it('leaves disabled triggers out', () => {
    const rules: Rules = { version: 1, plans: [{ id: 'free', name: 'Free' }], triggers: [{ id: 't', enabled: false, when: { event: 'e', count_at_least: 1 }, prompt: { placement: 'toast', title: 'Hi' } }] }
    expect(compile(rules).triggers).toEqual([])
  })

  it('gives a payload that survives JSON unchanged', () => {
    const { compiled } = load(acme)
    expect(JSON.parse(JSON.stringify(compiled))).toEqual(compiled)
  })
})

describe('hash', () => {
  it('is stable across key order and formatting, and is the hash of the payload without it', () => {
    const { compiled } = load(acme)
    const reordered = load(acme.replace('{ label: contacts }', '{ "label": "contacts" }').replace('price: { monthly: 49, annual: 490 }', 'price: { annual: 490, monthly: 49 }'))
    expect(reordered.compiled.hash).toBe(compiled.hash)
    expect(compiled.hash).toMatch(/^[0-9a-f]{32}$/)
    expect(hashPayload(compiled)).toBe(compiled.hash)
  })

  it('changes when the content changes', () => {
    expect(load(acme.replace('at_least: 80%', 'at_least: 85%')).compiled.hash).not.toBe(load(acme).compiled.hash)
  })

  it('compiles any valid rules deterministically', () => {
    const id = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
    const rules = fc.record({
      plans: fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
      triggers: fc.uniqueArray(fc.record({ id, event: id, count: fc.integer({ min: 1, max: 50 }), hours: fc.integer({ min: 1, max: 1000 }), priority: fc.integer({ min: -5, max: 5 }) }), { selector: (t) => t.id, maxLength: 5 }),
    })
    fc.assert(
      fc.property(rules, ({ plans, triggers }) => {
        const input: Rules = {
          version: 1,
          plans: plans.map((planId) => ({ id: planId, name: planId })),
          triggers: triggers.map((t) => ({ id: t.id, priority: t.priority, when: { event: t.event, count_at_least: t.count, within: `${t.hours}h` }, prompt: { placement: 'toast' as const, title: 'Hi {plan.name}' } })),
        }
        const result = loadRules(input)
        expect(result.ok).toBe(true)
        if (!result.ok) return
        expect(result.compiled.triggers.map((t) => t.when)).toEqual(triggers.map((t) => ({ event: t.event, countAtLeast: t.count, withinMs: t.hours * 3_600_000 })))
        expect(compile(result.rules).hash).toBe(result.compiled.hash)
      }),
      { numRuns: 100 },
    )
  })
})
