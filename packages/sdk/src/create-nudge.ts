// createNudge: wires storage, rules, facts, frequency, decisions and delivery into one client.
import { atom } from 'nanostores'
import type { CompiledRules, FactKey } from '@nudgekit/rules/evaluator'
import { createActions } from './actions.ts'
import { createDecisions } from './decisions.ts'
import { createDelivery, type DeliveryOptions } from './delivery/delivery.ts'
import { createTabChannel } from './delivery/tabs.ts'
import { nudgeError } from './errors.ts'
import { createFacts } from './facts.ts'
import { createFrequency } from './frequency.ts'
import { optionsIssue } from './options.ts'
import { cachedRules, fetchRules, fetchState } from './server.ts'
import { createStore, webStorage } from './storage.ts'
import type { AccountState, ActivePrompts, Nudge, NudgeEvent, NudgeOptions, Timers, UsageView } from './types.ts'
import { createUuid } from './uuid.ts'

const TICK_MS = 60_000
/** A browsing session ends after this long without activity in any tab (the usual analytics definition). */
const SESSION_IDLE_MS = 30 * 60_000

/**
 * Creates the browser client: usage, gates, prompts as nanostores, and reliable event delivery.
 * Throws a `[nudgekit]` error for missing or malformed options.
 * @example
 * const nudge = createNudge({ endpoint: '/nudgekit', key: 'pk_live_1',
 *   account: { id: 'acct_1', plan: 'free' }, user: { id: 'user_1', role: 'admin' } })
 * nudge.setUsage('contacts', 812)
 */
export function createNudge(options: NudgeOptions): Nudge {
  const issue = optionsIssue(options)
  if (issue) throw nudgeError('create the nudgekit client', issue)
  const now = options.now ?? Date.now
  // Called as methods of the global object, the global timer functions keep the `this` browsers require.
  const timers: Timers = options.timers ?? (globalThis as unknown as Timers)
  const { key } = options
  const store = createStore(options.storage ?? webStorage('localStorage'))
  const sessions = createStore(options.sessionStorage ?? webStorage('sessionStorage'))
  const uuid = createUuid(now)
  /**
   * The browsing session, for `max_per_session`: shared by the tabs open at the same time (a new tab joins the
   * session of the latest activity) and over after 30 minutes without activity. Stored as [id, last active]
   * in localStorage for the tabs and in this tab's sessionStorage, which keeps it where localStorage is not
   * available. Page loads and every event count as activity.
   */
  let session = ''
  const touch = (): void => {
    // Both are written at every touch, so localStorage's record is the latest whenever it is there at all.
    const [id, at] = store.get<[string, number]>('session') ?? sessions.get<[string, number]>('session') ?? []
    // An absent or unreadable record makes the difference NaN, and the comparison false.
    session = now() - at! < SESSION_IDLE_MS ? id! : uuid()
    const record = [session, now()]
    store.set('session', record)
    sessions.set('session', record)
  }
  touch()
  const log = options.debug ? (message: string, data?: unknown) => console.debug('[nudgekit] ' + message, data ?? '') : () => {}
  // What delivery sends with, and server reads read with.
  const io = {
    endpoint: options.endpoint.replace(/\/+$/, ''),
    key,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    store,
    timers,
    now,
    random: options.random ?? Math.random,
    log,
  } satisfies DeliveryOptions
  const delivery = createDelivery(io)

  const $account = atom<AccountState>({ account: options.account, user: options.user })
  const $rules = atom<CompiledRules | undefined>(options.rules ?? cachedRules(store, key))
  const $prompts = atom<ActivePrompts>({ inline: {} })
  const $usage = atom<Record<string, UsageView>>({})
  const scope = () => `${$account.get().account.id}:${$account.get().user.id}`

  const channel = createTabChannel(key, () => refresh([]))
  const facts = createFacts(store, now, options.locale)
  const frequency = createFrequency(store, scope, () => session, now, () => channel?.postMessage('state'))
  const hidden = new Set<string>()
  const send = (type: NudgeEvent['type'], fields: Partial<NudgeEvent>): void => {
    touch()
    const { account, user } = $account.get()
    delivery.enqueue({ id: uuid(), type, ts: now(), account: account.id, user: user.id, ...fields })
  }
  const decide = createDecisions($rules, $prompts, frequency, hidden, send, log)
  let destroyed = false
  let loaded = ''

  /** Re-evaluates after `changed` facts (everything when omitted); usage that moved is added to them. */
  const refresh = (changed?: FactKey[]): void => {
    if (destroyed) return
    const rules = $rules.get()
    const views = rules && facts.usage(rules, changed)
    if (views) $usage.set(views)
    facts.ctx.now = now()
    decide(facts.ctx, changed)
  }
  /** Takes the identity in `$account`; another account or user (or the first) also gets its state, here and from the server. */
  const load = (kind?: 'user' | 'account'): void => {
    const { account, user } = $account.get()
    facts.load(account, user)
    if (scope() === loaded) return refresh([kind!])
    loaded = scope()
    frequency.showing.clear()
    hidden.clear()
    refresh()
    fetchState(io, account.id).then(
      (triggers) => {
        if ($account.get().account.id !== account.id) return
        frequency.merge(triggers)
        refresh([])
      },
      (error: Error) => log('account state unavailable: ' + error.message),
    )
  }

  load()
  if (!options.rules) {
    fetchRules(io).then(
      (rules) => rules && rules.hash !== $rules.get()?.hash && ($rules.set(rules), refresh()),
      (error: Error) => log('rules unavailable, using ' + ($rules.get() ? 'cached rules' : 'none') + ': ' + error.message),
    )
  }
  let tick = timers.setTimeout(function next() {
    refresh(['time'])
    tick = timers.setTimeout(next, TICK_MS)
  }, TICK_MS)

  return {
    $prompts,
    $usage,
    $rules,
    $account,
    subscribe: (listener) => $prompts.subscribe(listener),
    ...createActions($account, $rules, $prompts, facts, frequency, hidden, send, refresh, load),
    flush: delivery.flush,
    destroy() {
      destroyed = true
      timers.clearTimeout(tick)
      channel?.close()
      delivery.stop()
      delivery.unload()
    },
  }
}
