// Expands the compact cases of `spec/cases.json` into evaluator inputs, for every suite that runs them.
//
// A case is `{ name, rules, context, state?, expected }`:
// - `rules` is merged over `catalog.json`; its triggers get the compiler's defaults (empty audience, no
//   holdout, `stopAfterAccept: true`, priority 0) and what it derives (`deps`, `metric`, `feature`, `arms`,
//   `targets`), and any `…Ms` field may be a duration such as `"7d"`.
// - `context` and `state` default to an owner on the free plan at `NOW` with nothing used; every timestamp
//   (createdAt, renewsAt, gate and event hits, state times) may be `"now"` or relative, `"-20d"`, `"+1h"`.
// - `expected.matched` maps trigger id → whether its `when` holds; `expected.decisions` trigger id →
//   `show` | `holdout` | `not_matched` | `suppressed:<reason>`; `expected.variants` trigger id → arm;
//   `expected.prompts` / `expected.inline` the exact set of shown prompts, each compared field by field.
// Arms are pinned by the cases, so every implementation must bucket alike: u = FNV-1a (32-bit, over UTF-16
// code units) of `${trigger}:${account}`, then murmur3's fmix32, divided by 2^32; holdout when
// u × 100 < holdoutPercent, else arm number ⌊frac(u × 65536) × arms⌋ of the variant names sorted by code unit.
import catalog from './catalog.json' with { type: 'json' }
import { parseDuration } from '../src/evaluator/duration.ts'
import { deriveTrigger } from '../src/evaluator/deps.ts'
import type { CompiledRules, DraftTrigger, EvalContext, Prompt, TriggerState } from '../src/evaluator/types.ts'

/** 2026-01-15T12:00:00Z: the clock of every case. */
export const NOW = Date.UTC(2026, 0, 15, 12)

type Time = number | string

export interface SpecCase {
  name: string
  rules: Partial<Omit<CompiledRules, 'triggers'>> & { triggers: Array<Partial<DraftTrigger> & Pick<DraftTrigger, 'id' | 'when' | 'prompt'>> }
  context?: {
    account?: Record<string, unknown>
    user?: { id?: string; role?: string | null }
    usage?: Record<string, number>
    gates?: Record<string, Time[]>
    events?: Record<string, Time[]>
    locale?: string
    now?: Time
  }
  state?: Record<string, Partial<Record<keyof TriggerState, Time | boolean>>>
  expected: {
    matched?: Record<string, boolean>
    decisions?: Record<string, string>
    variants?: Record<string, string>
    prompts?: Record<string, Partial<Prompt>>
    inline?: Record<string, Partial<Prompt>>
  }
}

/** A timestamp: epoch ms as is, `"now"`, or a signed duration from `NOW`. */
export function at(time: Time): number {
  if (typeof time === 'number') return time
  if (time === 'now') return NOW
  const ms = parseDuration(time.slice(1))
  if (ms === undefined || !/^[+-]/.test(time)) throw new Error(`spec: '${time}' is not "now" or a signed duration like "-20d"`)
  return time.startsWith('-') ? NOW - ms : NOW + ms
}

function durations<T>(value: T): T {
  if (Array.isArray(value)) return value.map(durations) as T
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, key.endsWith('Ms') && typeof field === 'string' ? parseDuration(field) : durations(field)]),
  ) as T
}

const times = (record: Record<string, Time[]> = {}) =>
  Object.fromEntries(Object.entries(record).map(([key, list]) => [key, list.map(at)]))

/** The rules, context and state function a case describes. */
export function expandCase(spec: SpecCase): {
  rules: CompiledRules
  ctx: EvalContext
  state: (trigger: string) => TriggerState | undefined
} {
  const base = { ...(catalog as CompiledRules), ...spec.rules, triggers: [] }
  const triggers = spec.rules.triggers.map((trigger) =>
    deriveTrigger(base, durations({ audience: {}, holdoutPercent: 0, priority: 0, ...trigger, frequency: { stopAfterAccept: true, ...trigger.frequency } }) as DraftTrigger))
  const rules: CompiledRules = { ...base, triggers }
  const context = spec.context ?? {}
  const account = { id: 'acct_1', plan: 'free', ...context.account } as EvalContext['account'] & { createdAt?: Time; renewsAt?: Time }
  const ctx: EvalContext = {
    now: at(context.now ?? 'now'),
    account: {
      ...account,
      createdAt: account.createdAt === undefined ? undefined : at(account.createdAt),
      renewsAt: account.renewsAt === undefined ? undefined : at(account.renewsAt),
    },
    // `role: null` in a case means a user without a role.
    user: { id: 'user_1', ...context.user, role: context.user?.role === null ? undefined : (context.user?.role ?? 'owner') },
    usage: context.usage ?? {},
    gates: times(context.gates),
    events: times(context.events),
    locale: context.locale,
  }
  const states = Object.fromEntries(
    Object.entries(spec.state ?? {}).map(([id, raw]) => {
      const state: TriggerState = { impressions: 0, sessionImpressions: 0, dayImpressions: 0 }
      for (const [key, value] of Object.entries(raw)) {
        ;(state as unknown as Record<string, unknown>)[key] = key.endsWith('At') || key.endsWith('Until') ? at(value as Time) : value
      }
      return [id, state]
    }),
  )
  return { rules, ctx, state: (trigger) => states[trigger] }
}
