// Restraint: whether a trigger's exposure state lets its prompt show now (acceptance, snooze, cooldown, caps).
import type { Frequency, SuppressReason, TriggerState } from './types.ts'

/**
 * The cap that holds a prompt back, or `undefined` when it may show. Acceptance and snooze always apply;
 * cooldown and impression caps only decide whether a prompt may *start* showing, so a prompt already on
 * screen (`state.showing`) stays.
 * @example frequencyBlock({ maxPerSession: 1, stopAfterAccept: true }, { impressions: 1, sessionImpressions: 1, dayImpressions: 1 }, now) // 'max_per_session'
 */
export function frequencyBlock(frequency: Frequency, state: TriggerState | undefined, now: number): SuppressReason | undefined {
  if (!state) return undefined
  if (state.acceptedAt !== undefined && frequency.stopAfterAccept !== false) return 'accepted'
  if (state.snoozedUntil !== undefined && state.snoozedUntil > now) return 'snoozed'
  if (state.showing) return undefined
  if (state.lastShownAt !== undefined && frequency.cooldownMs !== undefined && now - state.lastShownAt < frequency.cooldownMs) return 'cooldown'
  if (frequency.maxImpressions !== undefined && state.impressions >= frequency.maxImpressions) return 'max_impressions'
  if (frequency.maxPerSession !== undefined && state.sessionImpressions >= frequency.maxPerSession) return 'max_per_session'
  if (frequency.maxPerDay !== undefined && state.dayImpressions >= frequency.maxPerDay) return 'max_per_day'
  return undefined
}
