import { describe, expect, it } from 'vitest'
import { expandCase } from '../../spec/expand.ts'
import { createEvaluator } from './evaluator.ts'
import { explainDecision } from './explain.ts'

describe('explainDecision', () => {
  const { rules, ctx, state } = expandCase({
    name: 'explain',
    rules: {
      triggers: [
        { id: 'capped', when: { usage: 'contacts', atLeast: { percent: 80 } }, prompt: { placement: 'banner', title: 'a' }, frequency: { stopAfterAccept: true, maxPerSession: 1 } },
        { id: 'young', when: { usage: 'contacts', atLeast: { percent: 80 } }, prompt: { placement: 'modal', title: 'b' }, audience: { minAccountAgeMs: 1_209_600_000 } },
        { id: 'shown', when: { usage: 'contacts', atLeast: { percent: 80 } }, prompt: { placement: 'toast', title: 'c' } },
        { id: 'idle', when: { hasFeature: 'sso' }, prompt: { placement: 'toast', title: 'd' } },
      ],
    },
    context: { account: { createdAt: '-3d' }, usage: { contacts: 900 } },
    state: { capped: { impressions: 1, sessionImpressions: 1 } },
    expected: {},
  })
  const evaluator = createEvaluator(rules)
  const decisions = evaluator.decide(ctx, evaluator.match(ctx), state).decisions
  const explain = (index: number) => explainDecision(rules, decisions[index]!, ctx, state(decisions[index]!.trigger))

  it('gives the numbers behind a cap', () => {
    expect(explain(0)).toBe('suppressed: 1 of 1 impressions this session (max_per_session)')
  })

  it('gives the account age against the guard', () => {
    expect(explain(1)).toBe('suppressed: the account is 3d old, min_account_age is 14d')
  })

  it('says where a prompt shows and why another did not match', () => {
    expect(explain(2)).toBe('shows in the toast placement (variant default)')
    expect(explain(3)).toBe('not matched: the `when` condition is false')
  })

  it('rounds so the sentence stays true: ages and elapsed times down, waits up', () => {
    const day = 86_400_000
    const at = (trigger: string, reason: 'account_age' | 'cooldown' | 'snoozed', change: Partial<typeof ctx.account>, st?: Parameters<typeof explainDecision>[3]) =>
      explainDecision(rules, { trigger, status: 'suppressed', reason }, { ...ctx, account: { ...ctx.account, ...change } }, st)
    expect(at('young', 'account_age', { createdAt: ctx.now - 13.5 * day })).toBe('suppressed: the account is 13d old, min_account_age is 14d')
    expect(at('young', 'account_age', { createdAt: ctx.now + 25.5 * day })).toBe('suppressed: the account was created in the future (createdAt is after now), min_account_age is 14d')
    const base = { impressions: 1, sessionImpressions: 0, dayImpressions: 0 }
    expect(at('young', 'snoozed', {}, { ...base, snoozedUntil: ctx.now + 0.2 * day })).toBe('suppressed: snoozed for another 5h')
  })

  it('names the audience trait that does not hold', () => {
    const traits = expandCase({
      name: 'traits',
      rules: { triggers: [{ id: 'gold', when: { usage: 'contacts', atLeast: { percent: 80 } }, prompt: { placement: 'banner', title: 'a' }, audience: { traits: [{ trait: 'tier', op: 'eq', value: 'gold' }] } }] },
      context: { account: { traits: { tier: 'basic' } }, usage: { contacts: 900 } },
      expected: {},
    })
    expect(explainDecision(traits.rules, { trigger: 'gold', status: 'suppressed', reason: 'audience_trait' }, traits.ctx, undefined))
      .toBe('suppressed: audience trait \'tier\' is "basic", the audience needs eq "gold"')
  })
})
