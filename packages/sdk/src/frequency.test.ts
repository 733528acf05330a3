// Frequency state: lifetime/session/day counts, snooze and dismissal across tabs, server merge.
import { expect, it } from 'vitest'
import { createFrequency } from './frequency.ts'
import { createStore, memoryStorage } from './storage.ts'

const DAY = 86_400_000

it('counts impressions for the lifetime, the browser session and the day', () => {
  let time = Date.UTC(2026, 0, 5, 9)
  const store = createStore(memoryStorage())
  const frequency = createFrequency(store, () => 'a:u', () => 's1', () => time, () => {})
  expect(frequency.state('t')).toBeUndefined()
  expect(frequency.impression('t')).toBe(true)
  expect(frequency.impression('t')).toBe(false)
  expect(frequency.state('t')).toMatchObject({ impressions: 1, sessionImpressions: 1, dayImpressions: 1, lastShownAt: time, showing: true })
  time += DAY
  const nextSession = createFrequency(store, () => 'a:u', () => 's2', () => time, () => {})
  expect(nextSession.state('t')).toMatchObject({ impressions: 1, sessionImpressions: 0, dayImpressions: 0, showing: false })
})

it('snoozes and dismisses in storage, so every tab sees it', () => {
  const store = createStore(memoryStorage())
  const first = createFrequency(store, () => 'a:u', () => 's1', () => 1000, () => {})
  const second = createFrequency(store, () => 'a:u', () => 's2', () => 1000, () => {})
  first.impression('t')
  first.hide('t', 5000, true)
  expect(first.showing.has('t')).toBe(false)
  expect(second.state('t')).toMatchObject({ snoozedUntil: 6000, dismissedAt: 1000 })
})

it('merges server state by taking the larger count and the later time per field', () => {
  const frequency = createFrequency(createStore(memoryStorage()), () => 'a:u', () => 's', () => 1000, () => {})
  frequency.impression('t')
  frequency.impression('u')
  frequency.merge({ t: { impressions: 4, lastShownAt: 10, acceptedAt: 900 }, v: { snoozedUntil: 5000 } })
  expect(frequency.state('t')).toMatchObject({ impressions: 4, lastShownAt: 1000, acceptedAt: 900, sessionImpressions: 1 })
  expect(frequency.state('u')).toMatchObject({ impressions: 1 })
  expect(frequency.state('v')).toMatchObject({ impressions: 0, snoozedUntil: 5000 })
})

it('answers once per day per trigger and kind', () => {
  let time = Date.UTC(2026, 0, 5, 9)
  const frequency = createFrequency(createStore(memoryStorage()), () => 'a:u', () => 's', () => time, () => {})
  expect([frequency.once('t', 'eligible'), frequency.once('t', 'eligible'), frequency.once('t', 'holdout')]).toEqual([true, false, true])
  time += DAY
  expect(frequency.once('t', 'eligible')).toBe(true)
})
