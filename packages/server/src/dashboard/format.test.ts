import { describe, expect, it } from 'vitest'
import { createFormatters } from './format.ts'

describe('createFormatters', () => {
  const format = createFormatters('en-US', 'USD')

  it('writes rates as percentages with one decimal and intervals with a dash', () => {
    expect(format.percent(0.12)).toBe('12.0%')
    expect(format.interval([0.0699941, 0.198121])).toBe('7.0%–19.8%')
  })

  it('writes lifts as signed percentage points with a true minus sign, intervals spelled out', () => {
    expect(format.points(0.031)).toBe('+3.1 pp')
    expect(format.points(-0.031)).toBe('\u22123.1 pp')
    expect(format.points(0)).toBe('0.0 pp')
    expect(format.pointsInterval([-0.076, 0.107])).toBe('\u22127.6 to +10.7 pp')
    expect(createFormatters('de-DE', 'EUR').pointsInterval([-0.035, 0.17])).toBe('\u22123,5 to +17,0 pp')
  })

  it('writes median days with one decimal, as the CLI does', () => {
    expect(format.days(4)).toBe('4.0')
    expect(format.days(4.25)).toBe('4.3')
  })

  it('writes p-values with three decimals and floors tiny ones', () => {
    expect(format.pValue(0.10345)).toBe('0.103')
    expect(format.pValue(4.3e-8)).toBe('< 0.001')
  })

  it('writes a count with its noun in the singular for one and the plural otherwise', () => {
    expect(format.counted(1, 'account')).toBe('1 account')
    expect(format.counted(0, 'account')).toBe('0 accounts')
    expect(format.counted(2, 'click')).toBe('2 clicks')
    expect(format.counted(1_000, 'conversion')).toBe('1,000 conversions')
    expect(format.counted(1, 'person', 'people')).toBe('1 person')
    expect(format.counted(3, 'person', 'people')).toBe('3 people')
  })

  it('picks the noun by English rules in any locale, which formats only the number', () => {
    expect(createFormatters('de-DE', 'EUR').counted(1_000, 'account')).toBe('1.000 accounts')
    expect(createFormatters('de-DE', 'EUR').counted(1, 'account')).toBe('1 account')
    // French counts 0 as singular; the English words keep the plural.
    expect(createFormatters('fr-FR', 'EUR').counted(0, 'account')).toBe('0 accounts')
  })

  it('formats money in the rules currency and locale', () => {
    expect(format.money(2744)).toBe('$2,744.00')
    expect(createFormatters('de-DE', 'EUR').money(2744.5)).toBe('2.744,50\u00a0€')
  })
})
