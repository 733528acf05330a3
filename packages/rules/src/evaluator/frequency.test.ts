import { describe, expect, it } from 'vitest'
import { impressionCaps } from './deps.ts'
import { frequencyBlock as block } from './frequency.ts'
import type { Frequency, TriggerState } from './types.ts'

const NOW = 1_750_000_000_000
const frequency: Frequency = { cooldownMs: 1000, maxImpressions: 3, maxPerSession: 1, maxPerDay: 2, stopAfterAccept: true }
// As the browser gets a frequency: with the caps compile() lists.
const frequencyBlock = (frequency: Frequency, state: TriggerState | undefined, now: number) => block({ frequency, caps: impressionCaps(frequency) }, state, now)
const state = (over: Partial<TriggerState>): TriggerState => ({ impressions: 0, sessionImpressions: 0, dayImpressions: 0, ...over })

describe('frequencyBlock', () => {
  it('lets a prompt never shown through', () => {
    expect(frequencyBlock(frequency, undefined, NOW)).toBeUndefined()
    expect(frequencyBlock(frequency, state({}), NOW)).toBeUndefined()
  })

  it('checks acceptance before snooze, snooze before cooldown, cooldown before caps', () => {
    const everything = state({ acceptedAt: NOW - 1, snoozedUntil: NOW + 1, lastShownAt: NOW - 1, impressions: 3, sessionImpressions: 1, dayImpressions: 2 })
    expect(frequencyBlock(frequency, everything, NOW)).toBe('accepted')
    expect(frequencyBlock(frequency, { ...everything, acceptedAt: undefined }, NOW)).toBe('snoozed')
    expect(frequencyBlock(frequency, { ...everything, acceptedAt: undefined, snoozedUntil: undefined }, NOW)).toBe('cooldown')
    expect(frequencyBlock(frequency, { ...everything, acceptedAt: undefined, snoozedUntil: undefined, lastShownAt: NOW - 1000 }, NOW)).toBe('max_impressions')
  })

  it('checks the lifetime cap before the session cap, the session cap before the day cap', () => {
    expect(frequencyBlock(frequency, state({ sessionImpressions: 1, dayImpressions: 2 }), NOW)).toBe('max_per_session')
    expect(frequencyBlock(frequency, state({ dayImpressions: 2 }), NOW)).toBe('max_per_day')
    expect(frequencyBlock(frequency, state({ impressions: 2, sessionImpressions: 0, dayImpressions: 1 }), NOW)).toBeUndefined()
  })

  it('ends a snooze at its end time', () => {
    expect(frequencyBlock(frequency, state({ snoozedUntil: NOW }), NOW)).toBeUndefined()
  })

  it('applies no cap that the frequency does not set', () => {
    expect(frequencyBlock({ stopAfterAccept: false }, state({ acceptedAt: 1, lastShownAt: NOW, impressions: 99, sessionImpressions: 99, dayImpressions: 99 }), NOW)).toBeUndefined()
  })

  it('keeps a prompt on screen through caps and cooldown but not through a snooze', () => {
    const onScreen = state({ showing: true, lastShownAt: NOW, impressions: 3, sessionImpressions: 1, dayImpressions: 2 })
    expect(frequencyBlock(frequency, onScreen, NOW)).toBeUndefined()
    expect(frequencyBlock(frequency, { ...onScreen, snoozedUntil: NOW + 1 }, NOW)).toBe('snoozed')
  })
})
