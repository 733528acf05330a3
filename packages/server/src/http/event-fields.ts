// What each event type needs and allows beyond the common fields: one table for the schema, the fast path and openapi.json.
import type { EventType } from '../store/types.ts'

const TRIGGER = { trigger: "Send the id of the prompt's trigger (prompt.trigger), as the SDK does." }

/**
 * The fields each event type needs, each with the fix a client is told when it is missing.
 * @example Object.keys(REQUIRED_FIELDS.usage) // ['metric', 'value']
 */
export const REQUIRED_FIELDS: Readonly<Record<EventType, Readonly<Record<string, string>>>> = {
  impression: TRIGGER,
  click: TRIGGER,
  dismiss: TRIGGER,
  snooze: TRIGGER,
  upgrade_requested: TRIGGER,
  holdout: TRIGGER,
  eligible: TRIGGER,
  gate_hit: { feature: 'Send the feature the gate checked, e.g. "feature": "segmentation", as gate() does.' },
  usage: {
    metric: 'Send the metric the value counts, e.g. "metric": "contacts", as setUsage() does.',
    value: 'Send the usage as a number, e.g. "value": 812, as setUsage() does.',
  },
  track: { event: 'Send the name of what happened, e.g. "event": "report_viewed", as track() does.' },
}

/**
 * The event types that need `field`, in the order of `EVENT_TYPES`.
 * @example typesNeeding('metric') // ['usage']
 */
export function typesNeeding(field: string): EventType[] {
  return (Object.keys(REQUIRED_FIELDS) as EventType[]).filter((type) => Object.hasOwn(REQUIRED_FIELDS[type], field))
}

/**
 * Event types that may carry `variant: 'holdout'`: a held-out account sees no prompt, so the SDK sends it only
 * these (`eligible` once its condition holds, then the `holdout` exposure).
 */
export const HOLDOUT_VARIANT_TYPES: readonly EventType[] = ['holdout', 'eligible']

/** One thing an event lacks or contradicts for its type. */
export interface TypeProblem {
  code: 'missing_field' | 'variant_mismatch'
  field: string
  message: string
  hint: string
}

/** 'an' before a vowel sound: an 'impression', an 'upgrade_requested', but a 'usage'. */
const article = (word: string) => (/^(?!us)[aeiou]/i.test(word) ? 'an' : 'a')

/**
 * What an event lacks or contradicts for its type, from its parsed fields; empty when nothing.
 * @example typeProblems({ type: 'track' }) // [{ code: 'missing_field', field: 'event', message: "event is required for a 'track' event", … }]
 */
export function typeProblems(event: { type: EventType; variant?: string; [field: string]: unknown }): TypeProblem[] {
  const { type, variant } = event
  const problems: TypeProblem[] = []
  for (const field in REQUIRED_FIELDS[type]) {
    if (event[field] === undefined) {
      problems.push({ code: 'missing_field', field, message: `${field} is required for ${article(type)} '${type}' event`, hint: REQUIRED_FIELDS[type][field]! })
    }
  }
  if (type === 'holdout' && variant !== undefined && variant !== 'holdout') {
    problems.push({ code: 'variant_mismatch', field: 'variant', message: `a 'holdout' event's variant is 'holdout' or left out, not '${variant}'`,
      hint: "A held-out account is in no experiment arm: send variant 'holdout', as the SDK does, or none." })
  } else if (variant === 'holdout' && !HOLDOUT_VARIANT_TYPES.includes(type)) {
    problems.push({ code: 'variant_mismatch', field: 'variant',
      message: `variant 'holdout' is only for ${HOLDOUT_VARIANT_TYPES.map((t) => `'${t}'`).join(' and ')} events, not ${article(type)} '${type}' event`,
      hint: "A held-out account sees no prompt to act on: send the variant of the prompt shown (prompt.variant)." })
  }
  return problems
}
