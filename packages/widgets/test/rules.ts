// The rules the widgets' cross-package tests run on: a Free → Pro ladder with a prompt of every placement.
import { loadRulesOrThrow } from '@nudgekit/rules'

/**
 * contacts ≥ 80 % → banner, seats at 100 % → modal, one `report_viewed` → toast, a `segmentation` gate hit →
 * inline card. Compiled the way the server compiles.
 */
export const rules = loadRulesOrThrow(`
version: 1
metrics:
  contacts: { label: contacts }
  seats: { label: seats }
features:
  segmentation: { label: Advanced segmentation }
plans:
  - { id: free, name: Free, price: { monthly: 0 }, limits: { contacts: 100, seats: 3 }, features: [] }
  - { id: pro, name: Pro, price: { monthly: 49 }, limits: { contacts: 1000, seats: 10 }, features: [segmentation] }
triggers:
  - id: contacts-80
    when: { usage: contacts, at_least: 80% }
    prompt:
      placement: banner
      title: "You've used {used} of {limit} contacts"
      body: "{target.name} raises the limit to {target.limit}."
      cta: { label: "Upgrade to {target.name}", url: "/billing?plan={target.id}" }
      target: next_plan_raising_limit
  - id: seats-full
    when: { usage: seats, at_least: 100% }
    prompt:
      placement: modal
      title: "All {limit} seats are taken"
      body: "{target.name} has {target.limit} seats."
      cta: { label: "Upgrade to {target.name}", url: "/billing?plan={target.id}" }
      target: next_plan_raising_limit
  - id: reports
    when: { event: report_viewed, count_at_least: 1 }
    prompt: { placement: toast, title: "Teams like yours pick Pro", target: pro }
  - id: segmentation-gate
    when: { gate: segmentation }
    prompt: { placement: inline, title: "Segmentation is on {target.name}", target: cheapest_plan_with_feature }
defaults:
  frequency: { max_per_session: 5 }
`).compiled
