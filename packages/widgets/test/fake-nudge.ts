// A stand-in for the SDK client in widget tests: real nanostores atoms, and every call recorded.
import { atom, type WritableAtom } from 'nanostores'
import type { CompiledRules, Prompt } from '@nudgekit/rules/evaluator'
import type { AccountState, ActivePrompts, GateResult, Nudge, UsageView } from '@nudgekit/sdk'

export type Call = [method: string, ...args: unknown[]]

export interface FakeNudge extends Nudge {
  /** Writable, so tests can play the SDK's part. */
  readonly $prompts: WritableAtom<ActivePrompts>
  readonly $usage: WritableAtom<Record<string, UsageView>>
  readonly $rules: WritableAtom<CompiledRules | undefined>
  /** Every method call in order, e.g. `['dismiss', prompt]`. */
  calls: Call[]
  /** Names of the calls, for short assertions. */
  called(method: string): unknown[][]
  /** Puts a prompt on screen (or takes a placement away with `undefined`). */
  show(placement: 'banner' | 'modal' | 'toast', prompt: Prompt | undefined): void
}

export interface FakeOptions {
  prompts?: Partial<ActivePrompts>
  usage?: Record<string, UsageView>
  /** feature id → what `gate()` answers. Default: allowed. */
  gates?: Record<string, GateResult>
  rules?: CompiledRules
}

/** A prompt with sensible defaults; pass what the test is about. */
export function makePrompt(overrides: Partial<Prompt> = {}): Prompt {
  return {
    key: 'contacts-80:default',
    trigger: 'contacts-80',
    variant: 'default',
    placement: 'banner',
    audience: 'buyer',
    title: "You've used 812 of 1,000 contacts",
    body: 'Pro raises the limit to 10,000.',
    cta: { label: 'Upgrade to Pro', url: '/billing/upgrade?plan=pro' },
    priority: 0,
    ...overrides,
  }
}

/** Like the SDK, `dismiss` and `snooze` take the prompt off screen; every other method only records. */
export function createFakeNudge(options: FakeOptions = {}): FakeNudge {
  const calls: Call[] = []
  const $prompts = atom<ActivePrompts>({ inline: {}, ...options.prompts })
  const $usage = atom<Record<string, UsageView>>(options.usage ?? {})
  const $rules = atom<CompiledRules | undefined>(options.rules)
  const $account = atom<AccountState>({ account: { id: 'acc_1', plan: 'free' }, user: { id: 'u_1', role: 'admin' } })
  const record = (method: string) => (...args: unknown[]) => {
    calls.push([method, ...args])
  }
  const remove = (prompt: Prompt) => {
    const current = $prompts.get()
    const next: ActivePrompts = { ...current, inline: { ...current.inline } }
    for (const placement of ['banner', 'modal', 'toast'] as const) if (next[placement]?.key === prompt.key) delete next[placement]
    for (const [feature, inline] of Object.entries(next.inline)) if (inline.key === prompt.key) delete next.inline[feature]
    $prompts.set(next)
  }
  return {
    calls,
    called: (method) => calls.filter(([name]) => name === method).map(([, ...args]) => args),
    show: (placement, prompt) => $prompts.set({ ...$prompts.get(), [placement]: prompt }),
    $prompts,
    $usage,
    $rules,
    $account,
    subscribe: (listener) => $prompts.subscribe(listener),
    setUsage: record('setUsage'),
    increment: record('increment'),
    gate(feature) {
      calls.push(['gate', feature])
      return options.gates?.[feature] ?? { allowed: true }
    },
    track: record('track'),
    identify: record('identify'),
    setAccount: record('setAccount'),
    impression: record('impression'),
    click: record('click'),
    dismiss(prompt) {
      calls.push(['dismiss', prompt])
      remove(prompt)
    },
    snooze(prompt) {
      calls.push(['snooze', prompt])
      remove(prompt)
    },
    requestUpgrade: record('requestUpgrade'),
    flush: async () => {
      calls.push(['flush'])
    },
    destroy: record('destroy'),
  }
}
