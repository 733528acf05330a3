// A small rules file for the server's tests, and its compiled form.
import { loadRulesOrThrow } from '@nudgekit/rules'
import type { CompiledRules } from '@nudgekit/rules/evaluator'

export const RULES_YAML = `version: 1
metrics:
  contacts: { label: contacts }
features:
  segmentation: { label: Advanced segmentation }
plans:
  - id: free
    name: Free
    price: { monthly: 0 }
    limits: { contacts: 1000 }
    features: []
  - id: pro
    name: Pro
    price: { monthly: 49, annual: 490 }
    limits: { contacts: 10000 }
    features: [segmentation]
addons:
  - id: analytics
    name: Analytics module
    price: { monthly: 29 }
    features: []
triggers:
  - id: contacts-80
    when: { usage: contacts, at_least: 80% }
    audience: { plans: [free] }
    prompt:
      placement: banner
      title: "You've used {used} of {limit} contacts"
      target: next_plan_raising_limit
    frequency: { cooldown: 3d, snooze_on_dismiss: 7d, max_impressions: 5 }
    experiment: { variants: { a: {}, b: { title: "Running out of room?" } }, holdout: 10% }
  - id: segmentation-gate
    when: { gate: segmentation }
    prompt: { placement: inline, title: "Segmentation is on {target.name}", target: cheapest_plan_with_feature }
attribution: { window: 14d }
`

/** Compiles rules text for a test; throws a `RulesError` listing the issues when it is invalid. */
export function compileRules(text: string = RULES_YAML): CompiledRules {
  return loadRulesOrThrow(text, { filename: 'test.yaml' }).compiled
}
