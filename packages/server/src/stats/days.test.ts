import { describe, expect, it } from 'vitest'
import { formatDay, parseDay, startOfDay } from './days.ts'

describe('days', () => {
  it('parses real calendar days as UTC midnight and formats them back', () => {
    expect(parseDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29))
    expect(formatDay(Date.UTC(2024, 1, 29, 23, 59))).toBe('2024-02-29')
  })

  it('rejects days that do not exist and other formats', () => {
    for (const text of ['2025-02-29', '2026-13-01', '2026-1-1', '2026-01-01T00:00:00Z', ' 2026-01-01', '']) {
      expect(parseDay(text)).toBeUndefined()
    }
  })

  it('finds the start of the UTC day of an instant', () => {
    expect(startOfDay(Date.UTC(2026, 0, 31, 18, 5))).toBe(Date.UTC(2026, 0, 31))
  })
})
