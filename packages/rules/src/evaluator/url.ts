// CTA URL safety: parsed with `new URL` and allowlisted by scheme, never pattern-blocklisted.

/**
 * True for relative URLs and absolute http(s) URLs; false for `javascript:`, `data:`, `vbscript:`,
 * protocol-relative `//host` (or `\\host`, `/\host`) and anything that does not parse.
 * @example isSafeUrl('/billing/upgrade?plan=pro') // true
 * @example isSafeUrl('javascript:alert(1)') // false
 */
export function isSafeUrl(url: string): boolean {
  try {
    // Browsers strip ASCII tab/newline and leading C0 controls/space before parsing; so do we.
    const cleaned = url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '')
    return url.length > 0 && url.length <= 2048 && !/^[/\\]{2}/.test(cleaned) &&
      /^https?:$/.test(new URL(cleaned, 'https://relative.invalid/').protocol)
  } catch {
    return false
  }
}
