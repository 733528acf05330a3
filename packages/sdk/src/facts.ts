// The evaluation context: account and user in the evaluator's shape, usage values, and the bounded,
// persisted timestamps of gate hits and tracked events that `gate`/`event` conditions count.
import type { EvalAccount, EvalContext } from '@nudgekit/rules/evaluator'
import type { Store } from './storage.ts'
import type { AccountInput, UserInput } from './types.ts'

/** Timestamps kept per feature or event name: enough for any sensible `count_at_least`. */
export const MAX_TIMESTAMPS = 100

/** Epoch milliseconds of a Date, ISO string or number; `undefined` when absent or not a time. */
export function toEpoch(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = new Date(value).getTime()
  return Number.isNaN(ms) ? undefined : ms
}

/** The evaluator's account from the host's input. */
function toEvalAccount(account: AccountInput): EvalAccount {
  return {
    id: account.id,
    plan: account.plan,
    addons: account.addons ?? [],
    createdAt: toEpoch(account.createdAt),
    renewsAt: toEpoch(account.renewsAt),
    traits: account.traits ?? {},
  }
}

export interface Facts {
  /** The context, updated in place; `now` is refreshed by `tick`. */
  readonly ctx: EvalContext
  /** Loads the timestamps of an account+user scope (on start and on a switch). */
  load(account: AccountInput, user: UserInput): void
  /** Records a gate hit or tracked event now. */
  hit(kind: 'gates' | 'events', name: string): void
  tick(): void
}

/**
 * The context of one client. Timestamps live under `hits:<account>:<user>`.
 * @example const facts = createFacts(store, Date.now, account, user); facts.hit('gates', 'segmentation')
 */
export function createFacts(store: Store, now: () => number, account: AccountInput, user: UserInput): Facts {
  let key = ''
  const ctx: EvalContext = { now: now(), account: toEvalAccount(account), user, usage: {}, gates: {}, events: {} }
  const facts: Facts = {
    ctx,
    load(account, user) {
      key = `hits:${account.id}:${user.id}`
      const stored = store.get<Pick<EvalContext, 'gates' | 'events'>>(key)
      ctx.account = toEvalAccount(account)
      ctx.user = { id: user.id, role: user.role }
      ctx.gates = { ...stored?.gates }
      ctx.events = { ...stored?.events }
    },
    hit(kind, name) {
      ctx.now = now()
      ctx[kind][name] = [...(ctx[kind][name] ?? []), ctx.now].slice(-MAX_TIMESTAMPS)
      store.set(key, { gates: ctx.gates, events: ctx.events })
    },
    tick() {
      ctx.now = now()
    },
  }
  facts.load(account, user)
  return facts
}
