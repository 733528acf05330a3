// adoptStyles on a document (Preact hosts) and shadow roots: constructable sheet or nonce'd <style>, never twice.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { adoptStyles } from './adopt-styles.ts'
import { css } from './styles.ts'
import '../test/helpers.tsx'

afterEach(() => {
  document.adoptedStyleSheets = []
  document.head.replaceChildren()
})

describe('adoptStyles', () => {
  it('adopts the shared constructable sheet into the document once', () => {
    adoptStyles(document)
    adoptStyles(document)
    expect(document.adoptedStyleSheets).toHaveLength(1)
    expect(document.head.querySelector('style')).toBeNull()
  })

  it('keeps the host’s own adopted sheets', () => {
    const own = new CSSStyleSheet()
    document.adoptedStyleSheets = [own]
    adoptStyles(document)
    expect(document.adoptedStyleSheets[0]).toBe(own)
    expect(document.adoptedStyleSheets).toHaveLength(2)
  })

  it('falls back to one <style nonce> in the head without constructable stylesheets', () => {
    vi.stubGlobal('CSSStyleSheet', undefined)
    adoptStyles(document, 'n0nce')
    adoptStyles(document, 'n0nce')
    const styles = document.head.querySelectorAll('style')
    expect(styles).toHaveLength(1)
    expect(styles[0]?.nonce).toBe('n0nce')
    expect(styles[0]?.textContent).toBe(css)
  })

  it('falls back inside a shadow root where CSSStyleSheet cannot be built from text (no replaceSync)', () => {
    vi.stubGlobal('CSSStyleSheet', Object.assign(function LegacySheet() {}, { prototype: {} }))
    const root = document.createElement('div').attachShadow({ mode: 'open' })
    adoptStyles(root)
    expect(root.querySelector('style')?.textContent).toBe(css)
    expect(root.adoptedStyleSheets).toHaveLength(0)
  })
})
