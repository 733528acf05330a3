// createNudge: wires storage, rules, facts, frequency, decisions and delivery into one client.
import { atom } from 'nanostores'
import { limitOf } from '@nudgekit/rules/evaluator'
import type { CompiledRules, FactKey } from '@nudgekit/rules/evaluator'
import { createActions } from './actions.ts'
import { createDecisions } from './decisions.ts'
import { createDelivery } from './delivery/delivery.ts'
import { createTabChannel } from './delivery/tabs.ts'
import { nudgeError } from './errors.ts'
import { createFacts } from './facts.ts'
import { createFrequency, type FrequencyState } from './frequency.ts'
import { optionsIssue } from './options.ts'
import { createServerReads } from './server.ts'
import { createStore, webStorage } from './storage.ts'
import type { AccountState, ActivePrompts, Nudge, NudgeEvent, NudgeOptions, Timers, UsageView } from './types.ts'
import { createUuid } from './uuid.ts'

const TICK_MS = 60_000

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
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const endpoint = options.endpoint.replace(/\/+$/, '')
  const { key } = options
  const store = createStore(options.storage ?? webStorage('localStorage'))
  const sessions = createStore(options.sessionStorage ?? webStorage('sessionStorage'))
  const uuid = createUuid(now)
  const session = sessions.get<string>('session') ?? uuid()
  sessions.set('session', session)
  const log = options.debug ? (message: string, data?: unknown) => console.debug('[nudgekit] ' + message, data ?? '') : () => {}

  const $account = atom<AccountState>({ account: options.account, user: options.user })
  const $rules = atom<CompiledRules | undefined>()
  const $prompts = atom<ActivePrompts>({ inline: {} })
  const $usage = atom<Record<string, UsageView>>({})
  const scope = () => `${$account.get().account.id}:${$account.get().user.id}`

  let frequency: FrequencyState
  const facts = createFacts(store, now, options.account, options.user)
  facts.ctx.locale = options.locale
  const hidden = new Set<string>()
  let destroyed = false
  let usageSignature = ''

  const delivery = createDelivery({ endpoint, key, fetch: fetcher, store, timers, now, random: options.random ?? Math.random, log })
  const send = (type: NudgeEvent['type'], fields: Partial<NudgeEvent>): void => {
    const { account, user } = $account.get()
    delivery.enqueue({ id: uuid(), type, ts: now(), account: account.id, user: user.id, ...fields })
  }
  const engine = createDecisions({
    frequency: () => frequency,
    hidden,
    log,
    publish: (prompts) => $prompts.set(prompts),
    send: (type, { trigger, variant, prompt }) => send(type, { trigger, variant, placement: prompt?.placement }),
  })

  /** Re-evaluates after `changed` facts (everything when omitted); usage that moved is added to them. */
  const refresh = (changed?: FactKey[]): void => {
    if (destroyed) return
    facts.tick()
    const rules = $rules.get()
    const { ctx } = facts
    if (rules) {
      const values = facts.usage(rules.metrics)
      const views: Record<string, UsageView> = {}
      let signature = rules.hash
      for (const [metric, { label }] of Object.entries(rules.metrics)) {
        const used = values[metric]!
        const limit = limitOf(rules, ctx.account, metric)
        if (used !== ctx.usage[metric]) changed?.push(`usage:${metric}`)
        signature += `,${used}/${limit}`
        views[metric] = { metric, label, used, limit, percent: limit === null ? null : limit > 0 ? (used / limit) * 100 : 100 }
      }
      ctx.usage = values
      if (signature !== usageSignature) (usageSignature = signature), $usage.set(views)
    }
    engine.update(ctx, changed)
  }
  const setRules = (rules: CompiledRules | undefined): void => {
    $rules.set(rules)
    engine.setRules(rules)
    refresh()
  }
  const pullState = (): void => {
    const { id } = $account.get().account
    server.state(id).then(
      (triggers) => {
        if ($account.get().account.id !== id) return
        frequency.merge(triggers)
        refresh([])
      },
      (error: Error) => log('account state unavailable: ' + error.message),
    )
  }
  /** Loads the state of the current account+user (start, account switch, user switch). */
  const load = (): void => {
    const { account, user } = $account.get()
    frequency = createFrequency(store, scope(), session, now)
    facts.load(account, user)
    hidden.clear()
    refresh()
    pullState()
  }

  const channel = createTabChannel(key, () => refresh([]))
  const server = createServerReads(endpoint, key, fetcher, store)
  const initial = options.rules ?? server.cachedRules()
  $rules.set(initial)
  engine.setRules(initial)
  load()
  if (!options.rules) {
    server.rules().then(
      (rules) => rules && rules.hash !== $rules.get()?.hash && setRules(rules),
      (error: Error) => log('rules unavailable, using ' + ($rules.get() ? 'cached rules' : 'none') + ': ' + error.message),
    )
  }
  let tick = timers.setTimeout(function next() {
    refresh(['time'])
    tick = timers.setTimeout(next, TICK_MS)
  }, TICK_MS)

  const actions = createActions({
    $account,
    $rules,
    $prompts,
    facts,
    frequency: () => frequency,
    hidden,
    send,
    refresh,
    load,
    shared: () => channel.post('state'),
  })

  return {
    $prompts,
    $usage,
    $rules,
    $account,
    subscribe: (listener) => $prompts.subscribe(listener),
    ...actions,
    flush: () => delivery.flush(),
    destroy() {
      destroyed = true
      timers.clearTimeout(tick)
      channel.close()
      delivery.stop()
      delivery.unload()
    },
  }
}
