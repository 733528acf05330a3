// Copy templating: `{name}` placeholders filled as plain text, numbers and prices formatted with Intl.
import { PLACEHOLDER_PATTERN } from './template-variables.ts'

const FORMATS: Record<string, Intl.NumberFormat> = {}

function createFormat(locale: string | undefined, currency: string | undefined): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, currency ? { style: 'currency', currency, trailingZeroDisplay: 'stripIfInteger' } : undefined)
  } catch {
    // An unknown locale or currency code must not break a prompt: fall back to the runtime's, then to numbers.
    return locale ? createFormat(undefined, currency) : new Intl.NumberFormat()
  }
}

/** A cached `Intl.NumberFormat` (constructing one costs far more than formatting with it). */
function numberFormat(locale: string | undefined, currency: string | undefined): Intl.NumberFormat {
  return (FORMATS[`${locale}|${currency}`] ??= createFormat(locale, currency))
}

/** Replaces each `{name}` with `value(name)`; `{{` and `}}` become literal braces. */
export function fillTemplate(text: string, value: (name: string) => string): string {
  return text.replace(PLACEHOLDER_PATTERN, (token, name: string | undefined) => (name === undefined ? token[0]! : value(name)))
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
    return typeof value === 'number' ? numberFormat(locale, name.endsWith('price') ? currency : undefined).format(value) : (value ?? '')
  })
}
