// CTA URL safety: parsed with `new URL` and allowlisted by scheme, never pattern-blocklisted.

const BASE = 'https://relative.invalid/'

/**
 * True for relative URLs and absolute http(s) URLs; false for `javascript:`, `data:`, `vbscript:`,
 * protocol-relative `//host` and anything that does not parse.
 * @example isSafeUrl('/billing/upgrade?plan=pro') // true
 * @example isSafeUrl('javascript:alert(1)') // false
 */
export function isSafeUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length === 0 || url.length > 2048) return false
  // Browsers strip ASCII tab/newline and leading C0 controls/space before parsing; so do we.
  const cleaned = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '')
  if (cleaned.startsWith('//') || cleaned.startsWith('\\\\') || cleaned.startsWith('/\\')) return false
  let parsed: URL
  try {
    parsed = new URL(cleaned, BASE)
  } catch {
    return false
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:'
}
