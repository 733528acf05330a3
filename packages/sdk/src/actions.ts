// What the host calls: usage, gates, tracked events, identity, and the user's answers to a prompt.
// Bad input never throws here: it is reported once on the console and ignored, so state stays valid.
import type { ReadableAtom, WritableAtom } from 'nanostores'
import { checkFeature } from '@nudgekit/rules/evaluator'
import type { CompiledRules, FactKey, Prompt } from '@nudgekit/rules/evaluator'
import type { NudgeIssue } from './errors.ts'
import { type Facts, toEvalAccount } from './facts.ts'
import type { FrequencyState } from './frequency.ts'
import { identityIssue } from './options.ts'
import type { AccountState, ActivePrompts, Nudge, NudgeEvent } from './types.ts'
import type { Usage } from './usage.ts'

/** Snooze length when the trigger sets no `snooze_on_dismiss`. */
const DEFAULT_SNOOZE_MS = 86_400_000

export interface ActionsContext {
  $account: WritableAtom<AccountState>
  $rules: ReadableAtom<CompiledRules | undefined>
  $prompts: ReadableAtom<ActivePrompts>
  facts: Facts
  frequency: () => FrequencyState
  usage: () => Usage
  hidden: Set<string>
  warn(action: string, issue: NudgeIssue): void
  send(type: NudgeEvent['type'], fields: Partial<NudgeEvent>): void
  refresh(changed?: FactKey[]): void
  /** Loads the state of a new account or user. */
  load(): void
  /** Tells other tabs that the shared frequency state changed. */
  shared(): void
}

type Actions = Pick<
  Nudge,
  'setUsage' | 'increment' | 'gate' | 'track' | 'identify' | 'setAccount' | 'impression' | 'click' | 'dismiss' | 'snooze' | 'requestUpgrade'
>

const bad = (path: string, message: string, hint: string): NudgeIssue => ({ code: 'invalid_argument', path, message, hint })

/**
 * The host-facing methods of a client.
 * @example const { setUsage, gate } = createActions(context)
 */
export function createActions(context: ActionsContext): Actions {
  const { $account, $rules, facts, hidden, warn, send, refresh } = context

  /** The metric's period when the call is valid; `false` (after a warning) when not. */
  const checkMetric = (action: string, metric: string, value: number) => {
    const rules = $rules.get()
    if (typeof metric !== 'string' || (rules && !rules.metrics[metric])) {
      const known = rules ? Object.keys(rules.metrics).join(', ') : ''
      warn(action, bad('metric', `unknown metric '${metric}'`, `Use one of the rules' metrics: ${known}`))
      return false
    }
    if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
      warn(action, bad('value', `${value} is not a finite number ≥ 0`, 'Pass a count such as 812'))
      return false
    }
    return { period: rules?.metrics[metric]?.period }
  }

  const checkPrompt = (action: string, prompt: Prompt): boolean => {
    if (typeof prompt?.trigger === 'string') return true
    warn(action, bad('prompt', 'this is not a prompt', 'Pass a prompt from $prompts or gate()'))
    return false
  }
  const promptEvent = (type: NudgeEvent['type'], { trigger, variant, placement, feature, metric }: Prompt): void =>
    send(type, { trigger, variant, placement, feature, metric })
  /** Takes the prompt off screen in this page, optionally snoozed in every tab. */
  const hide = (type: 'dismiss' | 'snooze', prompt: Prompt): void => {
    const configured = $rules.get()?.triggers.find((t) => t.id === prompt.trigger)?.frequency.snoozeOnDismissMs
    context.frequency().hide(prompt.trigger, type === 'snooze' ? (configured ?? DEFAULT_SNOOZE_MS) : configured, type === 'dismiss')
    hidden.add(prompt.trigger)
    promptEvent(type, prompt)
    context.shared()
    refresh([])
  }

  return {
    setUsage(metric, value) {
      const ok = checkMetric(`set usage of '${metric}'`, metric, value)
      if (!ok) return
      const before = facts.ctx.usage[metric]
      context.usage().set(metric, value, ok.period)
      if (before !== value) send('usage', { metric, value })
      refresh([])
    },
    increment(metric, by = 1) {
      const ok = checkMetric(`increment '${metric}'`, metric, by)
      if (!ok) return
      context.usage().set(metric, by, ok.period, true)
      refresh([])
    },
    gate(feature) {
      const rules = $rules.get()
      if (!rules) return { allowed: true }
      if (!rules.features[feature]) {
        warn(`check feature '${feature}'`, bad('feature', 'it is not in the rules', `Use one of: ${Object.keys(rules.features).join(', ')}`))
        return { allowed: false }
      }
      const result = checkFeature(rules, facts.ctx.account, feature)
      if (!result.allowed) {
        facts.hit('gates', feature)
        send('gate_hit', { feature })
        refresh([`gate:${feature}`])
      }
      return { ...result, prompt: context.$prompts.get().inline[feature] }
    },
    track(event, props) {
      if (typeof event !== 'string' || !event) {
        return warn('track an event', bad('event', `${JSON.stringify(event)} is not an event name`, "Pass a name such as 'report_viewed'"))
      }
      facts.hit('events', event)
      send('track', props ? { event, props } : { event })
      refresh([`event:${event}`])
    },
    identify(user) {
      const issue = identityIssue(user, 'user', 'user')
      if (issue) return warn('identify the user', issue)
      const before = $account.get()
      $account.set({ ...before, user })
      if (user.id !== before.user.id) return context.load()
      facts.ctx.user = { id: user.id, role: user.role }
      refresh(['user'])
    },
    setAccount(account) {
      const issue = identityIssue(account, 'account', 'account')
      if (issue) return warn('set the account', issue)
      const before = $account.get()
      $account.set({ ...before, account })
      if (account.id !== before.account.id) return context.load()
      facts.ctx.account = toEvalAccount(account)
      refresh(['account'])
    },
    impression(prompt) {
      if (checkPrompt('record an impression', prompt) && context.frequency().impression(prompt.trigger)) {
        promptEvent('impression', prompt)
        context.shared()
      }
    },
    click(prompt) {
      if (checkPrompt('record a click', prompt)) promptEvent('click', prompt)
    },
    dismiss(prompt) {
      if (checkPrompt('dismiss a prompt', prompt)) hide('dismiss', prompt)
    },
    snooze(prompt) {
      if (checkPrompt('snooze a prompt', prompt)) hide('snooze', prompt)
    },
    requestUpgrade(prompt) {
      if (checkPrompt('request an upgrade', prompt)) promptEvent('upgrade_requested', prompt)
    },
  }
}
