// Restraint: whether a trigger's exposure state lets its prompt show now (acceptance, snooze, cooldown, caps).
import type { Frequency, SuppressReason, TriggerState } from './types.ts'

const CAPS = [
  ['maxImpressions', 'impressions', 'max_impressions'],
  ['maxPerSession', 'sessionImpressions', 'max_per_session'],
  ['maxPerDay', 'dayImpressions', 'max_per_day'],
] as const

/**
 * The cap that holds a prompt back, or `undefined` when it may show. Acceptance and snooze always apply;
 * cooldown and impression caps only decide whether a prompt may *start* showing, so a prompt already on
 * screen (`state.showing`) stays.
 * @example frequencyBlock({ maxPerSession: 1, stopAfterAccept: true }, { impressions: 1, sessionImpressions: 1, dayImpressions: 1 }, now) // 'max_per_session'
 */
export function frequencyBlock(frequency: Frequency, state: TriggerState | undefined, now: number): SuppressReason | undefined {
  if (!state) return undefined
  if (state.acceptedAt !== undefined && frequency.stopAfterAccept !== false) return 'accepted'
  if ((state.snoozedUntil ?? 0) > now) return 'snoozed'
  if (state.showing) return undefined
  if (now - (state.lastShownAt ?? -Infinity) < (frequency.cooldownMs ?? 0)) return 'cooldown'
  for (const [cap, count, reason] of CAPS) if (state[count] >= (frequency[cap] ?? Infinity)) return reason
  return undefined
}
