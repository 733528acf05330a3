// Copy templating: `{name}` placeholders filled as plain text, numbers and prices formatted with Intl.
import { PLACEHOLDER_PATTERN } from './template-variables.ts'

/** A formatter and the text of the numbers it formatted last: copy repeats the same few numbers. */
type Format = (value: number) => string

const FORMATS: Record<string, Record<string, Format>> = {}

function createIntl(locale: string | undefined, currency: string | undefined): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, currency ? { style: 'currency', currency, trailingZeroDisplay: 'stripIfInteger' } : undefined)
  } catch {
    // An unknown locale or currency code must not break a prompt: fall back to the runtime's, then to numbers.
    return locale ? createIntl(undefined, currency) : new Intl.NumberFormat()
  }
}

/**
 * A cached formatter per locale and currency: building an `Intl.NumberFormat` costs far more than using one,
 * and using one far more than looking up the text of a number formatted before (bounded to 256 numbers).
 */
function numberFormat(locale: string | undefined, currency: string | undefined): Format {
  return ((FORMATS[String(locale)] ??= {})[String(currency)] ??= ((intl, texts: Map<number, string>) => (value: number) => {
    let text = texts.get(value)
    if (text === undefined) {
      if (texts.size > 255) texts.clear()
      texts.set(value, (text = intl.format(value)))
    }
    return text
  })(createIntl(locale, currency), new Map()))
}

let parts: Record<string, string[]> = {}
let partsCount = 0

/**
 * Replaces each `{name}` with `value(name)`; `{{` and `}}` become literal braces. Each text is split once
 * into literals (even indexes) and names (odd indexes; NUL marks them, copy never contains one), so filling
 * it again is a loop of concatenations. The cache holds the rules' copy: a few hundred texts at most.
 */
export function fillTemplate(text: string, value: (name: string) => string): string {
  let split = parts[text]
  if (!split) {
    if (++partsCount > 512) (parts = {}), (partsCount = 0)
    split = parts[text] = text.replace(PLACEHOLDER_PATTERN, (token, name?: string) => (name ? `\0${name}\0` : token[0]!)).split('\0')
  }
  let filled = ''
  for (let index = 0; index < split.length; index++) filled += index % 2 ? value(split[index]!) : split[index]
  return filled
}

/**
 * Fills `{var}` placeholders. Numbers are formatted with `Intl.NumberFormat(locale)`, variables whose name
 * ends in `price` as money in `currency`; a missing variable renders as an empty string, never as the
 * placeholder. The result is plain text: render it as text, not HTML.
 * @example renderTemplate('{used} of {limit} contacts', { used: 812, limit: 1000 }, 'en-US') // '812 of 1,000 contacts'
 * @example renderTemplate('Pro is {target.price}/mo', { 'target.price': 49 }, 'en-US', 'USD') // 'Pro is $49/mo'
 */
export function renderTemplate(
  text: string,
  vars: Record<string, string | number | undefined>,
  locale?: string,
  currency?: string,
): string {
  return fillTemplate(text, (name) => {
    const value = vars[name]
    return typeof value === 'number' ? numberFormat(locale, name.endsWith('price') ? currency : undefined)(value) : (value ?? '')
  })
}
