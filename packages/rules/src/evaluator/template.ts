// Copy templating: `{name}` placeholders filled as plain text, numbers and prices formatted with Intl.
import { PLACEHOLDER_PATTERN } from './template-variables.ts'

/** Template variables by name. */
export type Vars = Record<string, string | number | undefined>

/** A cached formatter per locale and currency: building an `Intl.NumberFormat` costs far more than using one. */
const formats: Record<string, Record<string, (value: number) => string>> = {}

function createIntl(locale: string | undefined, currency: string | undefined): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, currency ? { style: 'currency', currency, trailingZeroDisplay: 'stripIfInteger' } : undefined)
  } catch {
    // An unknown locale or currency code must not break a prompt: fall back to the runtime's, then to numbers.
    return locale ? createIntl(undefined, currency) : new Intl.NumberFormat()
  }
}

/**
 * Formats a number for a locale (as money in `currency` when given). Copy repeats the same few numbers, so
 * each formatter remembers the text of the last 256 numbers it formatted.
 */
function formatNumber(value: number, locale: string | undefined, currency: string | undefined): string {
  return ((formats[locale!] ??= {})[currency!] ??= ((intl, texts: Map<number, string>) => (number: number) => {
    let text = texts.get(number)
    if (text === undefined) {
      if (texts.size > 255) texts.clear()
      texts.set(number, (text = intl.format(number)))
    }
    return text
  })(createIntl(locale, currency), new Map()))(value)
}

/**
 * Splits a text once into literals (even indexes) and variable names (odd indexes); `{{` and `}}` become
 * literal braces. NUL marks the names: copy never contains one.
 * @example splitText('{used} of {limit}') // ['', 'used', ' of ', 'limit', '']
 */
export function splitText(text: string): string[] {
  return text.replace(PLACEHOLDER_PATTERN, (token, name?: string) => (name ? `\0${name}\0` : token[0]!)).split('\0')
}

/**
 * Fills split text. Numbers are formatted with `Intl.NumberFormat(locale)`, variables whose name ends in
 * `price` as money in `currency`; `encode` percent-encodes raw values instead (for URLs). A missing variable
 * renders as an empty string.
 */
export function fillText(parts: readonly string[], vars: Vars, locale?: string, currency?: string, encode?: boolean): string {
  let filled = parts[0]!
  for (let index = 1; index < parts.length; index += 2) {
    const name = parts[index]!
    const value = vars[name]
    filled += (encode ? encodeURIComponent(value ?? '')
      : typeof value === 'number' ? formatNumber(value, locale, name.endsWith('price') ? currency : undefined)
      : (value ?? '')) + parts[index + 1]
  }
  return filled
}

/** Fills a text (`undefined` stays `undefined`); see `createRenderer`. */
export type Renderer = (text: string | undefined, vars: Vars, locale?: string, currency?: string, encode?: boolean) => string | undefined

/**
 * A renderer that remembers, per text, the values it read and what it rendered: filling a text again with
 * the same values returns the previous string without formatting anything.
 * @example const render = createRenderer(); render('{used} of {limit}', { used: 8, limit: 10 }, 'en-US')
 */
export function createRenderer(): Renderer {
  // Per text: its parts, what it read (the locale at index 0, where a literal sits in the parts) and its text.
  // Copy and URLs apart: the same text renders differently as a URL.
  const texts: Record<string, [string[], unknown[], string?]> = {}
  const urls: typeof texts = {}
  return (text, vars, locale, currency, encode) => {
    if (text === undefined) return text
    const entry = ((encode ? urls : texts)[text] ??= [splitText(text), []])
    const [parts, read] = entry
    let same = read[0] === locale && entry[2] !== undefined
    read[0] = locale
    for (let index = 1; index < parts.length; index += 2) {
      const value = vars[parts[index]!]
      if (read[index] !== value) (same = false), (read[index] = value)
    }
    return same ? entry[2] : (entry[2] = fillText(parts, vars, locale, currency, encode))
  }
}

/**
 * Fills `{var}` placeholders. Numbers are formatted with `Intl.NumberFormat(locale)`, variables whose name
 * ends in `price` as money in `currency`; a missing variable renders as an empty string, never as the
 * placeholder. The result is plain text: render it as text, not HTML.
 * @example renderTemplate('{used} of {limit} contacts', { used: 812, limit: 1000 }, 'en-US') // '812 of 1,000 contacts'
 * @example renderTemplate('Pro is {target.price}/mo', { 'target.price': 49 }, 'en-US', 'USD') // 'Pro is $49/mo'
 */
export function renderTemplate(text: string, vars: Vars, locale?: string, currency?: string): string {
  return fillText(splitText(text), vars, locale, currency)
}
