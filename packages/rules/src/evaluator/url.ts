// CTA URL safety: parsed with `new URL` and allowlisted by scheme, never pattern-blocklisted.

/**
 * True for relative URLs and absolute http(s) URLs; false for `javascript:`, `data:`, `vbscript:`,
 * protocol-relative `//host` (or `\\host`, `/\host`) and anything that does not parse.
 * @example isSafeUrl('/billing/upgrade?plan=pro') // true
 * @example isSafeUrl('javascript:alert(1)') // false
 */
export function isSafeUrl(url: string): boolean {
  try {
    // Parsed as browsers parse a link (ASCII tab/newline and leading C0 controls/space do not count). A URL on
    // another host must start with its scheme (after whitespace), so protocol-relative ones are refused.
    const { protocol, host } = new URL(url, 'https://relative.invalid/')
    return url.length > 0 && url.length <= 2048 && /^https?:$/.test(protocol) && (host === 'relative.invalid' || /^[a-z]/i.test(url.trim()))
  } catch {
    return false
  }
}
