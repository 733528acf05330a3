// Restraint: whether a trigger's exposure state lets its prompt show now (acceptance, snooze, cooldown, caps).
import type { CompiledTrigger, SuppressReason, TriggerState } from './types.ts'

/**
 * The cap that holds a prompt back, or `undefined` when it may show. Acceptance and snooze always apply;
 * cooldown and impression caps (`trigger.caps`, in order) only decide whether a prompt may *start* showing,
 * so a prompt already on screen (`state.showing`) stays.
 * @example frequencyBlock(trigger, { impressions: 1, sessionImpressions: 1, dayImpressions: 1 }, now) // 'max_per_session' with max_per_session: 1
 */
export function frequencyBlock(
  { frequency, caps }: Pick<CompiledTrigger, 'frequency' | 'caps'>,
  state: TriggerState | undefined,
  now: number,
): SuppressReason | undefined {
  // An absent time or cap makes its comparison false (with undefined, or with NaN from arithmetic on it):
  // no snooze, no cooldown, no cap. The assertions below say so to the type checker.
  return !state ? undefined
    : state.acceptedAt !== undefined && frequency.stopAfterAccept ? 'accepted'
    : state.snoozedUntil! > now ? 'snoozed'
    : state.showing ? undefined
    : now - state.lastShownAt! < frequency.cooldownMs! ? 'cooldown'
    : caps.find(([, count, max]) => state[count] >= max)?.[0]
}
