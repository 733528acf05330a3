// Restraint: whether a trigger's exposure state lets its prompt show now (acceptance, snooze, cooldown, caps).
import type { Frequency, SuppressReason, TriggerState } from './types.ts'

/**
 * The cap that holds a prompt back, or `undefined` when it may show. Acceptance and snooze always apply;
 * cooldown and impression caps only decide whether a prompt may *start* showing, so a prompt already on
 * screen (`state.showing`) stays.
 * @example frequencyBlock({ maxPerSession: 1, stopAfterAccept: true }, { impressions: 1, sessionImpressions: 1, dayImpressions: 1 }, now) // 'max_per_session'
 */
export function frequencyBlock(frequency: Frequency, state: TriggerState | undefined, now: number): SuppressReason | undefined {
  const never = Infinity
  return !state ? undefined
    : state.acceptedAt !== undefined && frequency.stopAfterAccept !== false ? 'accepted'
    : (state.snoozedUntil ?? 0) > now ? 'snoozed'
    : state.showing ? undefined
    : now - (state.lastShownAt ?? -never) < (frequency.cooldownMs ?? 0) ? 'cooldown'
    : state.impressions >= (frequency.maxImpressions ?? never) ? 'max_impressions'
    : state.sessionImpressions >= (frequency.maxPerSession ?? never) ? 'max_per_session'
    : state.dayImpressions >= (frequency.maxPerDay ?? never) ? 'max_per_day'
    : undefined
}
