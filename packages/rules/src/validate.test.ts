import { describe, expect, it } from 'vitest'
import { loadRules } from './load.ts'
import type { RulesIssue } from './issues.ts'

const BASE = `version: 1
metrics:
  contacts: { label: contacts }
  seats: { label: seats }
features:
  segmentation: { label: Segmentation }
plans:
  - id: free
    name: Free
    limits: { contacts: 50, seats: 3 }
  - id: pro
    name: Pro
    limits: { contacts: 5000, seats: 10 }
    features: [segmentation]
addons:
  - id: analytics
    name: Analytics
    features: []
`
// BASE has 18 lines: `triggers:` is line 19, `- id: t` line 20, the first line after it 21.

/** Every issue of a file. */
function allIssuesOf(text: string): RulesIssue[] {
  const result = loadRules(text, { filename: 'acme.yaml' })
  return result.ok ? result.warnings : result.issues
}

/**
 * The issues, without the warnings most short fixtures here would get (no cta.url, a condition without a signal):
 * those have their own tests, which use `allIssuesOf`.
 */
function issuesOf(text: string): RulesIssue[] {
  return allIssuesOf(text).filter((issue) => issue.code !== 'missing_url' && issue.code !== 'no_signal')
}

/** `line:column code path` of each issue, the shape the tests compare. */
function brief(text: string): string[] {
  return issuesOf(text).map((issue) => `${issue.line}:${issue.column} ${issue.code} ${issue.path}`)
}

const trigger = (lines: string) => `${BASE}triggers:\n  - id: t\n${lines}`

describe('shape errors', () => {
  it('reports an unknown top-level key with a suggestion, at the key', () => {
    const [issue] = issuesOf(`${BASE}trigers: []\n`)
    expect(issue).toMatchObject({ code: 'unknown_key', line: 19, column: 1, path: 'trigers', message: "unknown key 'trigers'", hint: "did you mean 'triggers'?" })
  })

  it('reports a missing version with how to add it', () => {
    const [issue] = issuesOf(BASE.replace('version: 1\n', ''))
    expect(issue).toMatchObject({ code: 'missing_key', line: 1, column: 1, path: 'version', hint: 'start the file with `version: 1`' })
  })

  it('reports an unsupported version', () => {
    expect(issuesOf(BASE.replace('version: 1', 'version: 2'))[0]).toMatchObject({ code: 'invalid_value', line: 1, column: 10, message: 'unsupported version 2' })
  })

  it('reports a wrong type and a missing key inside a trigger', () => {
    expect(brief(trigger('    when: { gate: segmentation }\n    prompt: { title: 5 }\n'))).toEqual([
      '22:13 missing_key triggers[0].prompt.placement',
      '22:22 invalid_type triggers[0].prompt.title',
    ])
  })

  it('suggests the closest placement for an invalid enum value', () => {
    const [issue] = issuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: banerr, title: Hi }\n'))
    expect(issue).toMatchObject({ code: 'invalid_value', line: 22, column: 26, path: 'triggers[0].prompt.placement', hint: "did you mean 'banner'?" })
  })

  it('reports an unknown condition kind with a suggestion, at its key', () => {
    expect(issuesOf(trigger('    when: { gaet: segmentation }\n    prompt: { placement: toast, title: Hi }\n'))[0]).toMatchObject({
      code: 'unknown_condition', line: 21, column: 13, path: 'triggers[0].when.gaet', hint: "did you mean 'gate'?",
    })
  })

  it('reports a condition with two kinds and an empty one inside all', () => {
    expect(brief(trigger('    when: { all: [ { gate: segmentation, lacks_addon: analytics }, {} ] }\n    prompt: { placement: toast, title: Hi }\n'))).toEqual([
      '21:20 ambiguous_condition triggers[0].when.all[0]',
      '21:68 unknown_condition triggers[0].when.all[1]',
    ])
  })

  it('reports an unknown key inside a condition branch with the keys of that branch', () => {
    expect(issuesOf(trigger('    when: { event: report_viewed, count_atleast: 3 }\n    prompt: { placement: toast, title: Hi }\n'))).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'unknown_key', line: 21, column: 35, path: 'triggers[0].when.count_atleast', hint: "did you mean 'count_at_least'?" })]),
    )
  })

  it('says where a key belongs when it is known one level down (an indentation slip)', () => {
    const issues = issuesOf(trigger('    when: { usage: contacts, at_least: 80% }\n    prompt: { title: Hi }\n    placement: banner\n    frequency: { cooldown: 3d }\n    max_per_day: 2\n'))
    expect(issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: 'unknown_key', path: 'triggers[0].placement', hint: "'placement' belongs under 'prompt': indent it below prompt:" }),
      expect.objectContaining({ code: 'unknown_key', path: 'triggers[0].max_per_day', hint: "'max_per_day' belongs under 'frequency': indent it below frequency:" }),
    ]))
  })

  it('reports bad durations and percentages with the expected syntax', () => {
    expect(brief(trigger('    when: { usage: contacts, at_least: 80 percent }\n    audience: { min_account_age: 2 weeks }\n    prompt: { placement: toast, title: Hi }\n    frequency: { cooldown: 3 }\n'))).toEqual([
      '21:40 invalid_percent triggers[0].when.at_least',
      '22:34 invalid_duration triggers[0].audience.min_account_age',
      '24:28 invalid_duration triggers[0].frequency.cooldown',
    ])
  })

  it('reports an invalid id and a holdout written as a number', () => {
    expect(brief(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n    experiment: { holdout: 10 }\n').replace('id: t\n', 'id: "bad id"\n'))).toEqual([
      '20:9 invalid_id triggers[0].id',
      '23:28 invalid_type triggers[0].experiment.holdout',
    ])
  })

  it('says what to write for a missing plan name, metric or feature label, and a missing plans list', () => {
    const text = BASE.replace('    name: Free\n', '').replace('  seats: { label: seats }', '  seats: { label: seats }\n  api_calls: {}').replace('segmentation: { label: Segmentation }', 'segmentation: {}')
    expect(issuesOf(text).map((i) => `${i.line}:${i.column} ${i.path} ${i.message} | ${i.hint}`)).toEqual([
      '5:14 metrics.api_calls.label missing \'label\' | say how the metric reads in copy ({metric}), e.g. label: api calls',
      '7:17 features.segmentation.label missing \'label\' | say how the feature reads in copy ({feature}), e.g. label: Segmentation',
      '9:5 plans[0].name missing \'name\' | give the plan a display name (copy shows it as {target.name}), e.g. name: Free',
    ])
    expect(issuesOf('version: 1\n')[0]).toMatchObject({ line: 1, column: 1, path: 'plans', message: "missing 'plans'", hint: expect.stringContaining('add the upgrade ladder, cheapest first') })
    expect(issuesOf(trigger('    prompt: { placement: toast, title: Hi }\n'))).toEqual([
      expect.objectContaining({ code: 'missing_key', line: 20, column: 5, path: 'triggers[0].when', message: "missing 'when'", hint: expect.stringContaining('add the signal that shows the prompt') }),
    ])
  })

  it('says the ladder needs at least one plan when plans is empty, at the list', () => {
    expect(issuesOf('version: 1\nplans: []\n')).toEqual([
      expect.objectContaining({ code: 'out_of_range', line: 2, column: 8, path: 'plans', message: 'must not be empty', hint: 'the ladder needs at least one plan, cheapest first, e.g. plans: [ { id: free, name: Free } ]' }),
    ])
  })

  it('says how to stop a trigger when a cap is 0, and what the smallest count or price is', () => {
    const issues = issuesOf(trigger('    when: { event: e, count_at_least: 0 }\n    prompt: { placement: toast, title: Hi }\n    frequency: { max_impressions: 0, max_per_session: 0 }\n').replace('    name: Free\n', '    name: Free\n    price: { monthly: -5 }\n'))
    expect(issues.map((i) => `${i.line}:${i.column} ${i.path} ${i.message} | ${i.hint}`)).toEqual([
      '10:23 plans[0].price.monthly must be ≥ 0, got -5 | prices are amounts in defaults.currency; write 0 for a free plan',
      '22:39 triggers[0].when.count_at_least must be ≥ 1, got 0 | write 1 to hold from the first event; a count of 0 would hold before anything happened',
      '24:35 triggers[0].frequency.max_impressions must be ≥ 1, got 0 | a cap counts impressions, so it is at least 1 (leave max_impressions out to set no cap here). To stop a trigger, set enabled: false on it, remove it, or narrow its audience',
      '24:55 triggers[0].frequency.max_per_session must be ≥ 1, got 0 | a cap counts impressions, so it is at least 1 (leave max_per_session out to set no cap here). To stop a trigger, set enabled: false on it, remove it, or narrow its audience',
    ])
  })

  it('suggests the upper-case currency code when upper-casing fixes it', () => {
    const currency = (code: string) => issuesOf(`${BASE}defaults: { currency: ${code} }\n`)
    expect(currency('usd')).toEqual([
      expect.objectContaining({ code: 'invalid_value', line: 19, column: 23, path: 'defaults.currency', message: "invalid currency 'usd': expected an ISO 4217 code like USD", hint: "did you mean 'USD'?" }),
    ])
    expect(currency('dollars')[0]?.hint).toBe('write the three-letter ISO 4217 code in capitals, e.g. USD, EUR or GBP')
    expect(currency('EUR')).toEqual([])
  })

  it('reports out-of-range numbers', () => {
    expect(brief(trigger('    when: { event: e, count_at_least: 0 }\n    prompt: { placement: toast, title: Hi }\n'))).toEqual(['21:39 out_of_range triggers[0].when.count_at_least'])
  })
})

describe('reference errors', () => {
  it('reports an unknown metric with the suggestion in the message line', () => {
    const [issue] = issuesOf(trigger('    when: { usage: contact, at_least: 80% }\n    prompt: { placement: toast, title: Hi }\n'))
    expect(issue).toMatchObject({ code: 'unknown_metric', line: 21, column: 20, path: 'triggers[0].when.usage', message: "unknown metric 'contact'", hint: "did you mean 'contacts'?" })
  })

  it('reports unknown features, add-ons, plans and targets', () => {
    expect(brief(trigger('    when: { all: [ { gate: segmentaton }, { lacks_addon: analytic } ] }\n    audience: { plans: [fre] }\n    prompt: { placement: inline, title: Hi, target: prp }\n'))).toEqual([
      '21:28 unknown_feature triggers[0].when.all[0].gate',
      '21:58 unknown_addon triggers[0].when.all[1].lacks_addon',
      '22:25 unknown_plan triggers[0].audience.plans[0]',
      '23:53 unknown_target triggers[0].prompt.target',
    ])
    expect(issuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi, target: prp }\n'))[0]?.hint).toBe("did you mean 'pro'?")
  })

  it('reports references in plans: unknown metrics and features, negative limits', () => {
    const text = BASE.replace('limits: { contacts: 50, seats: 3 }', 'limits: { contacts: -1, seat: 3 }').replace('features: [segmentation]', 'features: [segmentatoin]')
    expect(issuesOf(text).map((i) => [i.line, i.column, i.code, i.hint])).toEqual([
      [10, 25, 'negative_limit', 'use null for unlimited'],
      [10, 29, 'unknown_metric', "did you mean 'seats'?"],
      [14, 16, 'unknown_feature', "did you mean 'segmentation'?"],
    ])
  })

  it('reports duplicate ids among triggers and between plans and add-ons', () => {
    const text = `${BASE.replace('id: analytics', 'id: pro')}triggers:\n  - id: t\n    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n  - id: t\n    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n`
    expect(brief(text)).toEqual(['16:9 duplicate_id addons[0].id', '23:9 duplicate_id triggers[1].id'])
  })

  it('requires the conditions a keyword target resolves from', () => {
    expect(issuesOf(trigger('    when: { event: e, count_at_least: 2 }\n    prompt: { placement: toast, title: Hi, target: next_plan_raising_limit }\n'))[0]).toMatchObject({ code: 'unknown_target', line: 22, column: 52 })
    expect(issuesOf(trigger('    when: { event: e, count_at_least: 2 }\n    prompt: { placement: toast, title: Hi, target: cheapest_plan_with_feature }\n'))[0]).toMatchObject({ code: 'unknown_target' })
  })

  it('warns about a plan that limits less than the plan below it, and an inline prompt without a gate', () => {
    const text = trigger('    when: { event: e, count_at_least: 1 }\n    prompt: { placement: inline, title: Hi }\n').replace('limits: { contacts: 5000, seats: 10 }', 'limits: { contacts: 40, seats: 10 }')
    expect(brief(text)).toEqual(['13:25 ladder_order plans[1].limits.contacts', '22:26 unattached_inline triggers[0].prompt.placement'])
  })

  it('warns when a target is not above the audience plan', () => {
    const [issue] = issuesOf(trigger('    when: { usage: contacts, at_least: 80% }\n    audience: { plans: [pro] }\n    prompt: { placement: toast, title: Hi, target: free }\n'))
    expect(issue).toMatchObject({ code: 'suspicious_target', severity: 'warning', line: 23, column: 52 })
  })

  it('reports a duplicate route id like a duplicate trigger id: where the first is, and what goes wrong', () => {
    const route = (id: string, host: string) => `  - id: ${id}\n    url: https://${host}.example.com/hook\n    on: [upgrade_requested]\n`
    const [issue] = issuesOf(`${BASE}routes:\n${route('crm', 'a')}${route('crm', 'b')}`)
    expect(issue).toMatchObject({ code: 'duplicate_id', severity: 'error', line: 23, column: 9, path: 'routes[1].id', message: "duplicate route id 'crm' (already used by routes[0])" })
    expect(issue!.hint).toBe("route ids key webhook deliveries: both routes' upgrade requests would go to the last one's URL; give each route its own")
  })

  it('checks route trigger references and webhook URLs', () => {
    const text = `${trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n')}routes:\n  - id: owner\n    url: ftp://example.com/hook\n    on: [upgrade_requested, tt]\n`
    expect(brief(text)).toEqual(['25:10 unsafe_url routes[0].url', '26:29 unknown_trigger routes[0].on[1]'])
  })
})

describe('copy', () => {
  it('refuses javascript: and data: CTA URLs with a hint', () => {
    const issues = issuesOf(trigger('    when: { gate: segmentation }\n    prompt:\n      placement: inline\n      title: Hi\n      cta: { label: Go, url: "javascript:alert(1)" }\n      non_buyer: { cta: { label: Ask, url: "data:text/html,x" } }\n'))
    expect(issues.map((i) => [i.line, i.column, i.code, i.message])).toEqual([
      [25, 30, 'unsafe_url', "CTA URL uses the 'javascript:' scheme, which is refused"],
      [26, 44, 'unsafe_url', "CTA URL uses the 'data:' scheme, which is refused"],
    ])
    expect(issues[0]?.hint).toContain('/billing/upgrade')
  })

  it('reports unknown template variables with a suggestion, in variants and non-buyer copy too', () => {
    const text = trigger('    when: { usage: contacts, at_least: 80% }\n    prompt:\n      placement: banner\n      title: "{usd} used"\n      non_buyer: { body: "{limt}" }\n    experiment: { variants: { a: { title: "{remainig} left" } } }\n')
    expect(issuesOf(text).map((i) => `${i.line}:${i.column} ${i.code} ${i.hint}`)).toEqual([
      "24:14 unknown_variable did you mean '{used}'?",
      "25:26 unknown_variable did you mean '{limit}'?",
      "26:43 unknown_variable did you mean '{remaining}'?",
    ])
  })

  it('reports variables written with capitals or spaces, which would show as written, with the name meant', () => {
    const text = trigger('    when: { usage: contacts, at_least: 80% }\n    prompt: { placement: banner, title: "{Used} of { limit }", body: "{target.Name} {Nope Nope}", target: next_plan }\n')
    expect(issuesOf(text).map((i) => `${i.severity} ${i.message} ${i.hint}`)).toEqual([
      "error unknown variable '{Used}' did you mean '{used}'?",
      "error unknown variable '{ limit }' did you mean '{limit}'?",
      "error unknown variable '{target.Name}' did you mean '{target.name}'?",
      expect.stringMatching(/^error unknown variable '\{Nope Nope\}' \(variables are lower case, without spaces\) available: \{used\}/),
    ])
  })

  it('warns of target variables that render empty for some accounts: no annual price, unlimited, unknown renewal', () => {
    const ladder = BASE.replace('    limits: { contacts: 5000, seats: 10 }\n', '    price: { monthly: 49 }\n    limits: { contacts: null, seats: 10 }\n')
    const text = `${ladder}triggers:\n  - id: t\n    when: { usage: contacts, at_least: 80% }\n    prompt: { placement: banner, title: "{target.name} holds {target.limit}, {target.annual_price} a year", body: "{days_to_renewal} days", target: next_plan_raising_limit }\n`
    expect(issuesOf(text).map((i) => `${i.code} ${i.path}: ${i.message}`)).toEqual([
      "empty_variable triggers[0].prompt.title: {target.limit} is empty when the target is 'pro', which is unlimited for this metric",
      "empty_variable triggers[0].prompt.title: {target.annual_price} is empty when the target is 'pro', which has no annual price",
      'empty_variable triggers[0].prompt.body: {days_to_renewal} is empty for accounts whose renewsAt is unknown',
    ])
    const renewal = trigger('    when: { all: [ { renewal_within: 30d }, { usage: seats, at_least: 80% } ] }\n    prompt: { placement: banner, title: "{target.limit} seats, renews in {days_to_renewal} days", target: next_plan }\n')
    expect(issuesOf(renewal)).toEqual([])
  })

  it('warns when the buyer prompt has no cta url, since the button then only records a click', () => {
    const issues = allIssuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi, cta: { label: Go } }\n'))
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.path}`)).toEqual(['warning missing_url triggers[0].prompt.cta'])
    expect(issues[0]!.hint).toContain('onCta')
    expect(allIssuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n'))[0]).toMatchObject({ code: 'missing_url', path: 'triggers[0].prompt' })
  })

  it('warns of a trigger without a signal (time alone is never a trigger), but not of renewal or any branch with one each', () => {
    const codes = (when: string) => allIssuesOf(trigger(`    when: ${when}\n    prompt: { placement: banner, title: Hi, cta: { label: Go, url: /go } }\n`)).map((i) => `${i.code} ${i.path}`)
    expect(codes('{ account_age_at_least: 30d }')).toEqual(['no_signal triggers[0].when'])
    expect(codes('{ all: [ { account_age_at_least: 30d }, { not: { gate: segmentation } } ] }')).toEqual(['no_signal triggers[0].when'])
    expect(codes('{ any: [ { account_age_at_least: 30d }, { gate: segmentation } ] }')).toEqual(['no_signal triggers[0].when'])
    expect(codes('{ renewal_within: 60d }')).toEqual([])
    expect(codes('{ any: [ { event: e, count_at_least: 2 }, { gate: segmentation } ] }')).toEqual([])
  })

  it('warns of an at_least that reads as a count but was likely meant as a percentage', () => {
    const warnings = (atLeast: string) => issuesOf(trigger(`    when: { usage: contacts, at_least: ${atLeast} }\n    prompt: { placement: banner, title: Hi }\n`)).map((i) => `${i.message} — ${i.hint}`)
    expect(warnings('0.8')).toEqual(["at_least 0.8 is an absolute count: the condition holds from the first contacts on — did you mean '80%'? (a share of the limit needs the % sign)"])
    expect(warnings('5')).toEqual(["at_least 5 is an absolute count, far below every plan's contacts limit (the smallest is 50) — did you mean '5%'? (a share of the limit needs the % sign)"])
    expect(warnings('45')).toEqual([])
    expect(warnings('80%')).toEqual([])
  })

  it('hints the plain number for 10k or 1,000 and quoting for a number where text belongs', () => {
    const hints = issuesOf(BASE.replace('limits: { contacts: 50, seats: 3 }', "limits: { contacts: 10k, seats: '1,000' }").replace('name: Pro', 'name: 2024')).map((i) => `${i.path}: ${i.hint}`)
    expect(hints).toEqual([
      'plans[0].limits.contacts: write the plain number, without separators or units: 10000',
      'plans[0].limits.seats: write the plain number, without separators or units: 1000',
      "plans[1].name: quote it to make it text: '2024'",
    ])
  })

  it('says what an explicit target at the audience plan does: offers that same plan', () => {
    const [issue] = issuesOf(trigger('    when: { gate: segmentation }\n    audience: { plans: [free, pro] }\n    prompt: { placement: inline, title: Hi, target: free }\n'))
    expect(issue).toMatchObject({ code: 'suspicious_target', message: "target 'free' is not above the audience's plans 'free', 'pro'" })
    expect(issue!.hint).toContain(`accounts on 'free' are offered the plan they are on (the button reads "Upgrade to" it unless cta.label says otherwise); accounts on 'pro' get no target, so the prompt never shows to them`)
  })

  it('reads a fractional holdout as a likely 10 % and says so', () => {
    const [issue] = issuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi }\n    experiment: { variants: { a: {} }, holdout: 0.1 }\n'))
    expect(issue!.hint).toBe("write a percentage: 0.1 looks like a fraction, so most likely '10%' (write '0.1%' for a tenth of a percent)")
  })

  it('allows usage, feature and target variables only where the trigger provides them', () => {
    const text = trigger('    when: { event: e, count_at_least: 1 }\n    prompt: { placement: toast, title: "{used} {feature} {target.name} {plan.name}" }\n')
    expect(issuesOf(text).map((i) => i.message)).toEqual([
      '{used} needs a usage condition, and this trigger has none',
      '{feature} needs a gate condition, and this trigger has none',
      '{target.name} needs a target, and this trigger has none',
    ])
  })

  it('warns about unmatched braces and accepts doubled ones', () => {
    const warn = issuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: "Save 10% {{literal}} {" }\n'))
    expect(warn.map((i) => [i.code, i.severity])).toEqual([['unmatched_brace', 'warning']])
    expect(issuesOf(trigger('    when: { gate: segmentation }\n    prompt: { placement: inline, title: "{{literal}}" }\n'))).toEqual([])
  })
})

describe('warnings about roles and ids', () => {
  const roles = (list: string, defaults = '') => allIssuesOf(`${trigger(`    when: { gate: segmentation }\n    audience: { roles: [${list}] }\n    prompt: { placement: inline, title: Hi, cta: { label: Go, url: /go } }\n`)}${defaults}`)

  it('warns of a role a typo away from buyer, non_buyer or a buyer role, and leaves other role names alone', () => {
    expect(roles('biyer, non-buyer, Admin, member, viewer, buyer').map((i) => `${i.severity} ${i.code} ${i.line}:${i.column} ${i.path} ${i.hint}`)).toEqual([
      "warning unknown_role 22:25 triggers[0].audience.roles[0] did you mean 'buyer'?",
      "warning unknown_role 22:32 triggers[0].audience.roles[1] did you mean 'non_buyer'?",
      "warning unknown_role 22:43 triggers[0].audience.roles[2] did you mean 'admin'?",
    ])
    expect(roles('biyer')[0]!.message).toBe("role 'biyer' is neither 'buyer', 'non_buyer' nor a buyer role (owner, admin, billing), so it matches only users whose role is exactly 'biyer'")
    expect(roles('acount_owner', 'defaults: { buyer_roles: [account_owner] }\n').map((i) => i.hint)).toEqual(["did you mean 'account_owner'?"])
    expect(roles('admin', 'defaults: { buyer_roles: [account_owner] }\n')).toEqual([])
  })

  it('warns that nobody can buy when defaults.buyer_roles is empty', () => {
    expect(allIssuesOf(`${BASE}defaults: { buyer_roles: [] }\n`)).toEqual([
      expect.objectContaining({
        code: 'no_buyers',
        severity: 'warning',
        line: 19,
        column: 26,
        path: 'defaults.buyer_roles',
        message: 'no role can buy: every user with a role gets the non-buyer copy (by default "Ask your admin"), and only users without a role are offered the upgrade',
        hint: 'list the roles that can buy, e.g. buyer_roles: [owner, admin, billing], or remove buyer_roles for that default',
      }),
    ])
  })

  it('warns of ids that differ only in case within one kind, at the later id', () => {
    const text = `${BASE.replace('id: pro', 'id: Free').replace('  seats: { label: seats }', '  seats: { label: seats }\n  Contacts: { label: contacts }')}triggers:\n  - id: t1\n    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi, cta: { label: Go, url: /go } }\n    experiment: { variants: { a: {}, A: {} } }\n  - id: T1\n    when: { gate: segmentation }\n    prompt: { placement: inline, title: Hi, cta: { label: Go, url: /go } }\n`
    expect(allIssuesOf(text).map((i) => `${i.severity} ${i.code} ${i.line}:${i.column} ${i.message}`)).toEqual([
      "warning case_collision 5:3 metric id 'Contacts' differs only in case from 'contacts' (metrics.contacts)",
      "warning case_collision 12:9 id 'Free' differs only in case from 'free' (the plan at plans[0])",
      "warning case_collision 24:38 variant id 'A' differs only in case from 'a' (triggers[0].experiment.variants.a)",
      "warning case_collision 25:9 trigger id 'T1' differs only in case from 't1' (triggers[0])",
    ])
    expect(allIssuesOf(text)[0]!.hint).toBe('billing systems, stats and people confuse ids that differ only in case; rename one so they differ in more than case')
  })
})

describe('all problems at once', () => {
  it('reports shape and reference problems of one file together, sorted by position', () => {
    const text = trigger('    when: { usage: invoices, at_least: 80% }\n    prompt: { placement: popup, title: "{usd}" }\n    frequncy: {}\n')
    const issues = issuesOf(text)
    expect(issues.map((i) => i.code)).toEqual(['unknown_metric', 'invalid_value', 'unknown_variable', 'unknown_key'])
    expect(issues.every((i) => i.file === 'acme.yaml')).toBe(true)
  })

  it('positions issues of rules given as data at 0:0', () => {
    const result = loadRules({ version: 1, plans: [{ id: 'free', name: 'Free' }], triggers: [{ id: 't', when: { gate: 'x' }, prompt: { placement: 'toast', title: 'Hi', cta: { label: 'Go', url: '/go' } } }] })
    expect(result.ok ? [] : result.issues).toEqual([
      { code: 'unknown_feature', severity: 'error', line: 0, column: 0, path: 'triggers[0].when.gate', message: "unknown feature 'x'", hint: 'declare it under features' },
    ])
  })

  it('reports the first 200 problems and counts the rest in one last issue', () => {
    const text = `version: 1\nplans: [{ id: free, name: Free }]\n${Array.from({ length: 500 }, (_, i) => `k${i}: 1`).join('\n')}\n`
    const issues = issuesOf(text)
    expect(issues).toHaveLength(201)
    expect(issues[199]).toMatchObject({ code: 'unknown_key', path: 'k199', line: 202 })
    expect(issues[200]).toMatchObject({ code: 'too_many_issues', severity: 'error', line: 203, column: 1, message: '300 more problems not shown', hint: 'fix the problems above first' })
  })
})
