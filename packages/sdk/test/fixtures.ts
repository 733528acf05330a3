// Rules fixtures compiled from small YAML files, and a client factory wired to the fake server and a virtual clock.
import { loadRulesOrThrow } from '@nudgekit/rules'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { createNudge } from '../src/create-nudge.ts'
import { memoryStorage } from '../src/storage.ts'
import type { Nudge, NudgeOptions, StorageLike } from '../src/types.ts'
import type { VirtualClock } from './clock.ts'
import { ENDPOINT, KEY } from './server-handlers.ts'

export const DAY = 86_400_000

/** Compiles a rules file the way the server does. */
export function compileRules(yaml: string): CompiledRules {
  return loadRulesOrThrow(yaml).compiled
}

/** A Free → Pro ladder with a contacts banner, an API-quota modal and a segmentation gate. */
export const BASE_RULES = `
version: 1
metrics:
  contacts: { label: contacts }
  api_calls: { label: API calls, period: month }
features:
  segmentation: { label: Advanced segmentation }
plans:
  - { id: free, name: Free, price: { monthly: 0 }, limits: { contacts: 100, api_calls: 10 }, features: [] }
  - { id: pro, name: Pro, price: { monthly: 49 }, limits: { contacts: 1000, api_calls: 100 }, features: [segmentation] }
triggers:
  - id: contacts-80
    when: { usage: contacts, at_least: 80% }
    audience: { plans: [free] }
    prompt:
      placement: banner
      title: "You've used {used} of {limit} contacts"
      cta: { label: "Upgrade to {target.name}", url: "/billing?plan={target.id}" }
      target: next_plan_raising_limit
    frequency: { cooldown: 1d, snooze_on_dismiss: 7d, max_impressions: 3 }
  - id: api-quota
    when: { usage: api_calls, at_least: 100% }
    prompt:
      placement: modal
      title: "You've used all {limit} API calls this month"
      target: next_plan_raising_limit
  - id: segmentation-gate
    when: { gate: segmentation }
    prompt: { placement: inline, title: "Segmentation is on {target.name}", target: cheapest_plan_with_feature }
defaults:
  frequency: { max_per_session: 2, max_per_day: 5 }
`

export interface ClientSetup {
  clock: VirtualClock
  storage?: StorageLike
  sessionStorage?: StorageLike
  rules?: CompiledRules
  options?: Partial<NudgeOptions>
}

/** A client of the fake server on the virtual clock; storage in memory unless given (to share it). */
export function client({ clock, storage, sessionStorage, rules, options }: ClientSetup): Nudge {
  return createNudge({
    endpoint: ENDPOINT,
    key: KEY,
    account: { id: 'acct_1', plan: 'free', createdAt: clock.now() - 30 * DAY },
    user: { id: 'user_1', role: 'admin' },
    rules,
    storage: storage ?? memoryStorage(),
    sessionStorage: sessionStorage ?? memoryStorage(),
    now: clock.now,
    timers: clock.timers,
    random: () => 0.5,
    ...options,
  })
}
