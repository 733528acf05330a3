// Restraint: whether a trigger's exposure state lets its prompt show now (acceptance, snooze, cooldown, caps).
import type { Frequency, SuppressReason, TriggerState } from './types.ts'

/**
 * The cap that holds a prompt back, or `undefined` when it may show. Acceptance and snooze always apply;
 * cooldown and impression caps only decide whether a prompt may *start* showing, so a prompt already on
 * screen (`state.showing`) stays.
 * @example frequencyBlock({ maxPerSession: 1, stopAfterAccept: true }, { impressions: 1, sessionImpressions: 1, dayImpressions: 1 }, now) // 'max_per_session'
 */
export function frequencyBlock(frequency: Frequency, state: TriggerState | undefined, now: number): SuppressReason | undefined {
  // An absent time or cap makes its comparison false (with undefined, or with NaN from arithmetic on it):
  // no snooze, no cooldown, no cap. The assertions below say so to the type checker.
  return !state ? undefined
    : state.acceptedAt !== undefined && frequency.stopAfterAccept ? 'accepted'
    : state.snoozedUntil! > now ? 'snoozed'
    : state.showing ? undefined
    : now - state.lastShownAt! < frequency.cooldownMs! ? 'cooldown'
    : state.impressions >= frequency.maxImpressions! ? 'max_impressions'
    : state.sessionImpressions >= frequency.maxPerSession! ? 'max_per_session'
    : state.dayImpressions >= frequency.maxPerDay! ? 'max_per_day'
    : undefined
}
