import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { statsQuerySchema } from '../http/schemas.ts'
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

  it('reads years 0 to 99 as themselves, not as 1900 to 1999', () => {
    expect(parseDay('0001-01-01')).toBe(-62_135_596_800_000)
    expect(formatDay(parseDay('0001-01-01')!)).toBe('0001-01-01')
    expect(formatDay(parseDay('0099-12-31')!)).toBe('0099-12-31')
    expect(formatDay(parseDay('0000-02-29')!)).toBe('0000-02-29')
    expect(parseDay('0100-02-29')).toBeUndefined()
  })

  it('accepts exactly the days the documented from/to format (z.iso.date) accepts (property)', () => {
    const digits = (length: number) => fc.integer({ min: 0, max: 10 ** length - 1 }).map((n) => String(n).padStart(length, '0'))
    const text = fc.tuple(digits(4), fc.oneof(digits(2), fc.constantFrom('01', '02', '12')), fc.oneof(digits(2), fc.constantFrom('28', '29', '30', '31')))
      .map(([year, month, day]) => `${year}-${month}-${day}`)
    fc.assert(fc.property(text, (day) => {
      expect(parseDay(day) !== undefined, day).toBe(statsQuerySchema.shape.from.safeParse(day).success)
    }), { numRuns: 5000 })
  })

  it('finds the start of the UTC day of an instant', () => {
    expect(startOfDay(Date.UTC(2026, 0, 31, 18, 5))).toBe(Date.UTC(2026, 0, 31))
  })
})
