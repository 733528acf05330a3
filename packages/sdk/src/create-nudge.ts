// createNudge: wires storage, rules, facts, frequency, decisions and delivery into one client.
import { atom } from 'nanostores'
import type { CompiledRules, FactKey } from '@nudgekit/rules/evaluator'
import { createActions } from './actions.ts'
import { createDecisions } from './decisions.ts'
import { createDelivery, QUEUE, type DeliveryOptions } from './delivery/delivery.ts'
import { createTabChannel } from './delivery/tabs.ts'
import { DEV, formatIssue, nudgeError, quote, type Warn } from './errors.ts'
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
  /**
   * A page, or a host that brings its own `fetch` (tests, other runtimes). Server rendering has neither: the
   * client then keeps state (usage, gates, prompts) but sends and queues nothing, sets no timers and listens
   * to nothing, so it never holds a server process open.
   */
  const browser = !!(globalThis.window || options.fetch)
  // Called as methods of the global object, the global timer functions keep the `this` browsers require.
  const timers: Timers = browser ? (options.timers ?? (globalThis as unknown as Timers)) : { setTimeout() {}, clearTimeout() {} }
  const { key } = options
  const warned = new Set<string>()
  /** Warns "[nudgekit] Failed to <action>: <path> <message>. <hint>." once per client. */
  const warn: Warn = (...issue) => {
    const text = formatIssue(...issue)
    if (!warned.has(text)) warned.add(text), console.warn(text)
    return false
  }
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
  const endpoint = options.endpoint.replace(/\/+$/, '')
  let refused = false
  const io = {
    endpoint,
    key,
    async fetch(input, init) {
      if (!browser) throw Error('not in a browser')
      const response = await (options.fetch ?? globalThis.fetch)(input, init)
      const { status } = response
      // A refused key is an integration error, not a network hiccup: said even without debug, once per client.
      if (!refused && (status === 401 || status === 403)) {
        refused = true
        warn('authenticate', endpoint, 'answered HTTP ' + status, 'Check options.key and options.endpoint' +
          (DEV ? ': the key must be a publishable key (pk_…) of this server, the endpoint its base URL, and a proxy or CORS setup in between must pass the Authorization header' : ''))
      }
      return response
    },
    store,
    timers,
    now,
    random: options.random ?? Math.random,
    log,
  } satisfies DeliveryOptions
  const delivery = createDelivery(io)
  /**
   * Events a page queued under an earlier key of this endpoint (before the key was rolled) go out with that key,
   * which the server dedupes them under: stored once while it still takes the key, refused and dropped once it is
   * removed (without the warning about this client's key). The endpoint records this key once that queue is empty.
   */
  const keyRecord = 'k1:' + endpoint
  const previous = store.get<string>(keyRecord)
  const stranded = previous && previous !== key && store.get<{ q?: [] }>(QUEUE + previous)?.q?.length
  const drain = stranded && browser ? createDelivery({ ...io, key: previous, fetch: options.fetch ?? fetch }) : undefined
  if (!stranded) store.set(keyRecord, key)

  const $account = atom<AccountState>({ account: options.account, user: options.user })
  const $rules = atom<CompiledRules | undefined>(options.rules ?? cachedRules(store, key))
  const $prompts = atom<ActivePrompts>({ inline: {} })
  const $usage = atom<Record<string, UsageView>>({})
  const scope = () => `${$account.get().account.id}:${$account.get().user.id}`

  const channel = browser ? createTabChannel(key, () => refresh()) : undefined
  const facts = createFacts(store, now, options.locale)
  const frequency = createFrequency(store, scope, () => session, now, () => channel?.postMessage('state'))
  const hidden = new Set<string>()
  const send = (type: NudgeEvent['type'], fields: Partial<NudgeEvent>): void => {
    touch()
    const { account, user } = $account.get()
    if (browser) delivery.enqueue({ id: uuid(), type, ts: now(), account: account.id, user: user.id, ...fields })
  }
  const decide = createDecisions($rules, $prompts, frequency, hidden, send, log)
  let destroyed = false
  let loaded = ''

  /**
   * Re-evaluates after `changed` facts; everything when omitted, as after a change of exposure state (a
   * snooze, another tab's impression, the server's state). Usage that moved is added to `changed`.
   */
  const refresh = (changed?: FactKey[]): void => {
    if (destroyed) return
    const rules = $rules.get()
    const { plan } = facts.ctx.account
    if (rules && !rules.plans.some((p) => p.id === plan)) {
      warn('evaluate the account', 'account.plan', quote(plan) + ' is not in the rules',
        DEV ? 'Its limits count as unlimited, its gated features as locked, and only add-ons are offered. Use one of: ' + rules.plans.map((p) => p.id).join(', ') : '')
    }
    const views = rules && facts.usage(rules, changed)
    if (views) $usage.set(views)
    facts.ctx.now = now()
    decide(facts.ctx, changed)
  }
  /** Takes the identity in `$account`; another account or user (or the first) also gets its state, here and from the server. */
  const load = (kind?: 'user' | 'account'): void => {
    const { account, user } = $account.get()
    facts.load(account, user)
    for (const date of ['createdAt', 'renewsAt'] as const) {
      if (account[date] != null && facts.ctx.account[date] === undefined) {
        warn('read the account', 'account.' + date, quote(account[date]) + ' is not a date',
          DEV ? 'Pass epoch milliseconds, an ISO 8601 string or a Date; an unknown date fails account-age guards and renewal conditions' : '')
      }
    }
    if (scope() === loaded) return refresh([kind!])
    loaded = scope()
    frequency.showing.clear()
    hidden.clear()
    refresh()
    fetchState(io, account.id).then(
      (triggers) => {
        if ($account.get().account.id !== account.id) return
        frequency.merge(triggers)
        refresh()
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
    ...createActions($account, $rules, $prompts, facts, frequency, hidden, send, refresh, load, warn, () => destroyed),
    flush: delivery.flush,
    destroy() {
      destroyed = true
      timers.clearTimeout(tick)
      channel?.close()
      for (const sender of [delivery, drain]) sender?.stop(), sender?.unload()
    },
  }
}
