// Puts the widgets' stylesheet into a shadow root (or document) in a way strict CSP allows.
import { css } from './styles.ts'

let shared: CSSStyleSheet | undefined

function constructable(root: Document | ShadowRoot): boolean {
  return 'adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype
}

/**
 * Adds the widgets' CSS to `root`. Uses one constructable stylesheet shared by every root (allowed under
 * `style-src 'self'`); where those are unsupported, appends a `<style>` carrying `nonce` so a CSP with
 * `'nonce-…'` accepts it. Preact hosts rendering the components in their own DOM call it with `document`.
 * @example adoptStyles(host.attachShadow({ mode: 'open' }), 'r4nd0m')
 */
export function adoptStyles(root: Document | ShadowRoot, nonce?: string): void {
  if (constructable(root)) {
    if (!shared) {
      shared = new CSSStyleSheet()
      shared.replaceSync(css)
    }
    if (!root.adoptedStyleSheets.includes(shared)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, shared]
    return
  }
  const parent = root instanceof Document ? root.head : root
  if (parent.querySelector('style[data-nudgekit]')) return
  const style = document.createElement('style')
  style.setAttribute('data-nudgekit', '')
  if (nonce) style.nonce = nonce
  style.textContent = css
  parent.append(style)
}
