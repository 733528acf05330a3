import { describe, expect, it } from 'vitest'
import { createRenderer, renderTemplate } from './template.ts'

describe('renderTemplate', () => {
  it('formats numbers for the locale', () => {
    expect(renderTemplate('{used} of {limit}', { used: 812, limit: 10000 }, 'en-US')).toBe('812 of 10,000')
    expect(renderTemplate('{used} of {limit}', { used: 812, limit: 10000 }, 'de-DE')).toBe('812 of 10.000')
  })

  it('formats variables named …price as money, whole amounts without cents', () => {
    expect(renderTemplate('{target.price} or {target.annual_price}', { 'target.price': 49, 'target.annual_price': 490.5 }, 'en-US', 'USD'))
      .toBe('$49 or $490.50')
  })

  it('formats prices as plain numbers without a currency', () => {
    expect(renderTemplate('{target.price}', { 'target.price': 1200 }, 'en-US')).toBe('1,200')
  })

  it('falls back to the runtime locale for an invalid locale, and to numbers for an invalid currency', () => {
    expect(renderTemplate('{used}', { used: 5 }, 'not a locale!')).toBe('5')
    expect(renderTemplate('{target.price}', { 'target.price': 5 }, 'en-US', 'DOLLARS')).toBe('5')
  })

  it('renders missing and unknown variables as empty text, never as the placeholder', () => {
    expect(renderTemplate('[{target.name}][{nope}]', {})).toBe('[][]')
  })

  it('renders a text without variables, and the same text again', () => {
    const render = createRenderer()
    expect(render('Plain', {})).toBe('Plain')
    expect(render('Plain', {})).toBe('Plain')
    expect(render('{used}', { used: 1 }, 'en-US')).toBe('1')
    expect(render('{used}', { used: 1 }, 'en-US')).toBe('1')
    expect(render('{used}', { used: 2 }, 'en-US')).toBe('2')
    expect(render('{used}', { used: 2000 }, 'de-DE')).toBe('2.000')
  })

  it('turns doubled braces into literal braces', () => {
    expect(renderTemplate('{{used}} = {used}; }}', { used: 1 }, 'en-US')).toBe('{used} = 1; }')
  })

  it('leaves markup in values as plain text', () => {
    expect(renderTemplate('Hi {plan.name}', { 'plan.name': '<b>Pro</b>' })).toBe('Hi <b>Pro</b>')
  })
})
