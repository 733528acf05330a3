// What the host calls: usage, gates, tracked events, identity, and the user's answers to a prompt.
// Bad input never throws here: it is reported once on the console and ignored, so state stays valid.
import type { ReadableAtom, WritableAtom } from 'nanostores'
import { checkFeature } from '@nudgekit/rules/evaluator'
import type { CompiledRules, FactKey, Prompt } from '@nudgekit/rules/evaluator'
import { DEV, json, quote, type Warn } from './errors.ts'
import type { Facts } from './facts.ts'
import type { FrequencyState } from './frequency.ts'
import { identityIssue } from './options.ts'
import type { AccountInput, AccountState, ActivePrompts, Nudge, NudgeEvent, UserInput } from './types.ts'

/** Snooze length when the trigger sets no `snooze_on_dismiss`. */
const DEFAULT_SNOOZE_MS = 86_400_000

type Actions = Pick<
  Nudge,
  'subscribe' | 'setUsage' | 'increment' | 'gate' | 'track' | 'identify' | 'setAccount' | 'impression' | 'click' | 'dismiss' | 'snooze' | 'requestUpgrade'
>

/**
 * The host-facing methods of a client. `hidden` holds the triggers dismissed in this page; `load` takes the
 * identity in `$account` (another account or user loads its state, the same one re-evaluates after `kind`);
 * `warn` prints each distinct warning once; after `destroyed()` the methods record nothing.
 * @example const { setUsage, gate } = createActions($account, $rules, $prompts, facts, frequency, hidden, send, refresh, load, warn, () => false)
 */
export function createActions(
  $account: WritableAtom<AccountState>,
  $rules: ReadableAtom<CompiledRules | undefined>,
  $prompts: ReadableAtom<ActivePrompts>,
  facts: Facts,
  frequency: FrequencyState,
  hidden: Set<string>,
  send: (type: NudgeEvent['type'], fields: Partial<NudgeEvent>) => void,
  refresh: (changed?: FactKey[]) => void,
  load: (kind: 'user' | 'account') => void,
  warn: Warn,
  destroyed: () => boolean,
): Actions {
  /** Warns "Failed to call <method>(): <path> <message>. <hint>." once; `false`, so checks read `ok || bad(…)`. */
  const bad = (method: string, path: string, message: string, hint?: string) => warn(`call ${method}()`, path, message, hint)
  /** Warns about a metric or feature (`path`) that the rules' `names` do not have. */
  const notInRules = (method: string, path: string, name: unknown, names: Record<string, unknown> = {}) =>
    bad(method, path, quote(name) + ' is not in the rules', DEV ? 'Use one of: ' + Object.keys(names).join(', ') : '')
  let told = false
  /**
   * `true` once the client is destroyed: the call is then ignored (its events would wait in the stored queue
   * for the next page load), with one warning per client.
   */
  const ended = (method: string): boolean =>
    destroyed() && (told || bad(method, 'the client', 'was destroyed', DEV ? 'Calls after destroy() are ignored: create a new client' : ''), (told = true))
  // What identify and setAccount last took, as JSON: equal values again change nothing.
  const applied = { account: json($account.get().account), user: json($account.get().user) }

  /** Records a valid usage change (set, or with `add` added); warns about an unknown metric or a bad number. */
  const usage = (method: string, metric: string, value: number, add?: boolean): void => {
    if (ended(method)) return
    const metrics = $rules.get()?.metrics
    if (typeof metric !== 'string' || (metrics && !Object.hasOwn(metrics, metric))) return void notInRules(method, 'metric', metric, metrics)
    if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
      return void bad(method, 'value', quote(value) + ' is not a finite number ≥ 0', DEV ? 'Pass a count such as 812' : '')
    }
    if (!add && value !== facts.ctx.usage[metric]) send('usage', { metric, value })
    facts.setUsage(metric, value, metrics?.[metric]?.period, add)
    refresh([])
  }

  /** A method that takes a prompt: runs `answer` for a prompt, warns about anything else. */
  const onPrompt =
    (method: string, answer: (prompt: Prompt) => void) =>
    (prompt: Prompt): void => {
      if (ended(method)) return
      if (typeof prompt?.trigger === 'string') answer(prompt)
      else bad(method, 'prompt', 'is not a prompt from $prompts or gate()')
    }
  const promptEvent = (type: NudgeEvent['type'], { trigger, variant, placement, feature, metric }: Prompt, props?: NudgeEvent['props']): void =>
    send(type, { trigger, variant, placement, feature, metric, props })
  /** Takes the prompt off screen in this page, snoozed in every tab for `snooze` or a `snooze_on_dismiss`. */
  const hide = (type: 'dismiss' | 'snooze') =>
    onPrompt(type, (prompt) => {
      const configured = $rules.get()?.triggers.find((t) => t.id === prompt.trigger)?.frequency.snoozeOnDismissMs
      frequency.hide(prompt.trigger, type === 'snooze' ? (configured ?? DEFAULT_SNOOZE_MS) : configured, type === 'dismiss')
      hidden.add(prompt.trigger)
      promptEvent(type, prompt)
      // Exposure state changed: every trigger is checked again.
      refresh()
    })

  /**
   * Replaces the user or account: another id loads that identity's state, the same id re-evaluates. Values
   * equal to the last ones keep the same objects in `$account` (views memoised on them do not run again).
   */
  const identity =
    <K extends 'user' | 'account'>(method: string, kind: K) =>
    (value: AccountState[K]): void => {
      if (ended(method)) return
      const issue = identityIssue(value as AccountInput | UserInput, kind, kind)
      if (issue) return void bad(method, issue.path, issue.message, issue.hint)
      const text = json(value)
      if (text && text === applied[kind]) return
      applied[kind] = text
      $account.set({ ...$account.get(), [kind]: value })
      load(kind)
    }

  return {
    subscribe: (listener) =>
      typeof listener === 'function' ? $prompts.subscribe(listener) : (bad('subscribe', 'listener', 'is not a function', DEV ? 'Pass (prompts) => …' : ''), () => {}),
    setUsage: (metric, value) => usage('setUsage', metric, value),
    increment: (metric, by = 1) => usage('increment', metric, by, true),
    gate(feature) {
      const rules = $rules.get()
      if (!rules) return { allowed: true }
      if (!Object.hasOwn(rules.features, feature)) return notInRules('gate', 'feature', feature, rules.features) || { allowed: false }
      const result = checkFeature(rules, facts.ctx.account, feature)
      // An allowed feature has no upsell; a destroyed client records no hit.
      if (result.allowed || ended('gate')) return result
      facts.hit('gates', feature)
      send('gate_hit', { feature })
      refresh([`gate:${feature}`])
      const { inline } = $prompts.get()
      return { ...result, prompt: Object.hasOwn(inline, feature) ? inline[feature] : undefined }
    },
    track(event, props) {
      if (ended('track')) return
      if (typeof event !== 'string' || !event) return void bad('track', 'event', quote(event) + ' is not an event name', DEV ? "Pass a name such as 'report_viewed'" : '')
      // A copy, as JSON: later changes to the object do not reach the queue, and props that cannot become a
      // JSON object are left out (the event still counts), so nothing blocks saving and sending.
      const text = json(props)
      const object = text?.[0] === '{'
      if (props !== undefined && !object) bad('track', 'props', 'are not a JSON object', DEV ? 'The event is sent without them. Pass { name: value } without cycles, BigInt or functions' : '')
      facts.hit('events', event)
      send('track', { event, props: object ? JSON.parse(text!) : undefined })
      refresh([`event:${event}`])
    },
    identify: identity('identify', 'user'),
    setAccount: identity('setAccount', 'account'),
    impression: onPrompt('impression', (prompt) => {
      if (frequency.impression(prompt.trigger)) promptEvent('impression', prompt)
    }),
    click: onPrompt('click', (prompt) => promptEvent('click', prompt)),
    dismiss: hide('dismiss'),
    snooze: hide('snooze'),
    // The plan and role travel with the request so the server can route it to the account owner with context.
    requestUpgrade: onPrompt('requestUpgrade', (prompt) => {
      const { account, user } = $account.get()
      promptEvent('upgrade_requested', prompt, { plan: account.plan, role: user.role })
    }),
  }
}
