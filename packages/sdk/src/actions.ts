// What the host calls: usage, gates, tracked events, identity, and the user's answers to a prompt.
// Bad input never throws here: it is reported once on the console and ignored, so state stays valid.
import type { ReadableAtom, WritableAtom } from 'nanostores'
import { checkFeature } from '@nudgekit/rules/evaluator'
import type { CompiledRules, FactKey, Prompt } from '@nudgekit/rules/evaluator'
import { DEV, formatIssue, type NudgeIssue } from './errors.ts'
import type { Facts } from './facts.ts'
import type { FrequencyState } from './frequency.ts'
import { identityIssue } from './options.ts'
import type { AccountInput, AccountState, ActivePrompts, Nudge, NudgeEvent, UserInput } from './types.ts'

/** Snooze length when the trigger sets no `snooze_on_dismiss`. */
const DEFAULT_SNOOZE_MS = 86_400_000

type Actions = Pick<
  Nudge,
  'setUsage' | 'increment' | 'gate' | 'track' | 'identify' | 'setAccount' | 'impression' | 'click' | 'dismiss' | 'snooze' | 'requestUpgrade'
>

/**
 * The host-facing methods of a client. `hidden` holds the triggers dismissed in this page; `load` takes the
 * identity in `$account` (another account or user loads its state, the same one re-evaluates after `kind`).
 * @example const { setUsage, gate } = createActions($account, $rules, $prompts, facts, frequency, hidden, send, refresh, load)
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
): Actions {
  const warned = new Set<string>()

  /** Prints "Failed to call <method>(): …" once per distinct text; `false`, so checks read `ok || warn(…)`. */
  const warn = (method: string, issue: NudgeIssue): false => {
    const text = formatIssue(`call ${method}()`, issue)
    if (!warned.has(text)) warned.add(text), console.warn(text)
    return false
  }
  const bad = (method: string, path: string, message: string, hint: string) => warn(method, { code: 'invalid_argument', path, message, hint })
  /** Warns about a metric or feature (`path`) that the rules' `names` do not have. */
  const notInRules = (method: string, path: string, name: string, names: Record<string, unknown> = {}) =>
    bad(method, path, `'${name}' is not in the rules`, DEV ? 'Use one of: ' + Object.keys(names).join(', ') : '')

  /** Records a valid usage change (set, or with `add` added); warns about an unknown metric or a bad number. */
  const usage = (method: string, metric: string, value: number, add?: boolean): void => {
    const metrics = $rules.get()?.metrics
    if (typeof metric !== 'string' || (metrics && !metrics[metric])) return void notInRules(method, 'metric', metric, metrics)
    if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
      return void bad(method, 'value', `${value} is not a finite number ≥ 0`, DEV ? 'Pass a count such as 812' : '')
    }
    if (!add && value !== facts.ctx.usage[metric]) send('usage', { metric, value })
    facts.setUsage(metric, value, metrics?.[metric]?.period, add)
    refresh([])
  }

  /** A method that takes a prompt: runs `answer` for a prompt, warns about anything else. */
  const onPrompt =
    (method: string, answer: (prompt: Prompt) => void) =>
    (prompt: Prompt): void => {
      if (typeof prompt?.trigger === 'string') answer(prompt)
      else bad(method, 'prompt', 'is not a prompt from $prompts or gate()', '')
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
      refresh([])
    })

  /** Replaces the user or account: another id loads that identity's state, the same id re-evaluates. */
  const identity =
    <K extends 'user' | 'account'>(method: string, kind: K) =>
    (value: AccountState[K]): void => {
      const issue = identityIssue(value as AccountInput | UserInput, kind, kind)
      if (issue) return void warn(method, issue)
      $account.set({ ...$account.get(), [kind]: value })
      load(kind)
    }

  return {
    setUsage: (metric, value) => usage('setUsage', metric, value),
    increment: (metric, by = 1) => usage('increment', metric, by, true),
    gate(feature) {
      const rules = $rules.get()
      if (!rules) return { allowed: true }
      if (!rules.features[feature]) return notInRules('gate', 'feature', feature, rules.features) || { allowed: false }
      const result = checkFeature(rules, facts.ctx.account, feature)
      if (!result.allowed) {
        facts.hit('gates', feature)
        send('gate_hit', { feature })
        refresh([`gate:${feature}`])
      }
      return { ...result, prompt: $prompts.get().inline[feature] }
    },
    track(event, props) {
      if (typeof event !== 'string' || !event) return void bad('track', 'event', `${JSON.stringify(event)} is not an event name`, DEV ? "Pass a name such as 'report_viewed'" : '')
      facts.hit('events', event)
      send('track', { event, props })
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
