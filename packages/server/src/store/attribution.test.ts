// Which exposure a conversion is credited to, from the rollup rows and the events lookup.
import { describe, expect, it } from 'vitest'
import { credited, needsEvents, type RollupCandidate } from './attribution.ts'

const DAY = 86_400_000
const T = Date.UTC(2026, 3, 1)
const row = (trigger: string, exposedAt: number, unresolved: boolean | number = false): RollupCandidate =>
  ({ trigger, variant: 'default', exposed_at: exposedAt, unresolved })

describe('needsEvents', () => {
  it('asks the events only when some row was exposed again after the conversion (SQLite answers 0/1)', () => {
    expect(needsEvents([row('a', T - DAY), row('b', T - 2 * DAY, 0)])).toBe(false)
    expect(needsEvents([row('a', T - DAY), row('b', T - 20 * DAY, 1)])).toBe(true)
    expect(needsEvents([])).toBe(false)
  })
})

describe('credited', () => {
  it("credits the rollup's latest row when no event lookup was needed, and nothing outside the window", () => {
    expect(credited([row('a', T - DAY), row('b', T - 2 * DAY)], T - 14 * DAY, undefined)).toEqual({ trigger: 'a', variant: 'default', exposed_at: T - DAY })
    // A row first exposed before the window, exposed again after the conversion: its first exposure does not count.
    expect(credited([row('a', T - 20 * DAY, true)], T - 14 * DAY, undefined)).toBeUndefined()
  })

  it("prefers the event found when it is as late as the rollup's answer or later (it saw every exposure)", () => {
    const event = { trigger: 'b', variant: 'x', exposed_at: T - DAY }
    expect(credited([row('a', T - DAY), row('b', T - 9 * DAY, true)], T - 14 * DAY, event)).toEqual(event)
    expect(credited([row('b', T - 20 * DAY, true)], T - 14 * DAY, event)).toEqual(event)
  })

  it("keeps the rollup's answer when it is later than the event found (raw events in the window were deleted)", () => {
    const event = { trigger: 'b', variant: 'x', exposed_at: T - 5 * DAY }
    expect(credited([row('a', T - DAY), row('b', T - 9 * DAY, true)], T - 14 * DAY, event)).toEqual({ trigger: 'a', variant: 'default', exposed_at: T - DAY })
  })
})
