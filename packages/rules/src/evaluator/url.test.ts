import { describe, expect, it } from 'vitest'
import { isSafeUrl } from './url.ts'

describe('isSafeUrl', () => {
  it.each(['/billing/upgrade?plan=pro', 'billing', '?plan=pro', '#pricing', 'https://example.com/up', 'HTTP://example.com', ' https://example.com/up', 'ht\ttps://example.com'])('accepts %s', (url) => {
    expect(isSafeUrl(url)).toBe(true)
  })

  it.each([
    'javascript:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'JaVaScRiPt:alert(1)', '\u0001javascript:alert(1)',
    'data:text/html,<b>x</b>', 'vbscript:msgbox', '//evil.example', '\\\\evil.example', '/\\evil.example', '\\/evil.example', '/\t/evil.example', '\n//evil.example', '',
  ])('refuses %j', (url) => {
    expect(isSafeUrl(url)).toBe(false)
  })

  it('refuses urls over 2,048 characters and values that are not text', () => {
    expect(isSafeUrl(`/${'a'.repeat(2048)}`)).toBe(false)
    expect(isSafeUrl(42 as unknown as string)).toBe(false)
  })
})
