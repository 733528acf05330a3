// Copy templating: `{name}` placeholders filled as plain text, numbers and prices formatted with Intl.
import { PLACEHOLDER_PATTERN } from './template-variables.ts'

/** Template variables by name; `null` and `undefined` render as empty text. */
export type Vars = Record<string, string | number | null | undefined>

/** A cached formatter per locale and currency: building an `Intl.NumberFormat` costs far more than using one. */
const formats: Record<string, Record<string, Intl.NumberFormat>> = {}

function createIntl(locale: string | undefined, currency: string | undefined): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat(locale, currency ? { style: 'currency', currency, trailingZeroDisplay: 'stripIfInteger' } : undefined)
  } catch {
    // An unknown locale or currency code must not break a prompt: fall back to the runtime's, then to numbers.
    return locale ? createIntl(undefined, currency) : new Intl.NumberFormat()
  }
}

/** Fills a text (`undefined` stays `undefined`); see `createRenderer`. */
export type Renderer = (text: string | undefined, vars: Vars, locale?: string, currency?: string, encode?: boolean) => string | undefined

/**
 * A renderer: each text is split once into literals (even indexes) and variable names (odd indexes), and
 * each variable is formatted again only when its value changed, so filling copy again after one number
 * changed formats that number alone, and a text none of whose values changed is the previous string. Numbers are formatted with `Intl.NumberFormat(locale)`, variables whose
 * name ends in `price` as money in `currency`; `encode` percent-encodes raw values instead (for URLs).
 * A missing variable renders as an empty string. Keep one per set of texts (the rules' copy).
 * @example const render = createRenderer(); render('{used} of {limit}', { used: 8, limit: 10 }, 'en-US') // '8 of 10'
 */
export function createRenderer(): Renderer {
  // Per text: its parts, the values read (the locale at index 0, where a literal sits) and their text.
  // Copy and URLs apart: the same text renders differently as a URL.
  const texts: Record<string, [string[], unknown[], string[]]> = {}
  const urls: typeof texts = {}
  return (text, vars, locale, currency, encode) => {
    if (text === undefined) return text
    const [parts, read, shown] = ((encode ? urls : texts)[text] ??= [
      // `{{` and `}}` become literal braces; NUL marks the names (copy never contains one).
      text.replace(PLACEHOLDER_PATTERN, (token, name?: string) => (name ? `\0${name}\0` : token[0]!)).split('\0'),
      [],
      [],
    ])
    // The filled text sits at index 0 of `shown`: the same string while no value changed.
    let changed = !(0 in read) || read[0] !== locale
    if (changed) (read.length = 0), (read[0] = locale)
    for (let index = 1; index < parts.length; index += 2) {
      const name = parts[index]!
      const value = vars[name]
      if (!(index in read) || read[index] !== value) {
        const money = name.endsWith('price') ? currency : undefined
        changed = true
        read[index] = value
        shown[index] = encode ? encodeURIComponent(value ?? '')
          : typeof value === 'number' ? ((formats[locale!] ??= {})[money!] ??= createIntl(locale, money)).format(value)
          : (value ?? '')
      }
    }
    if (changed) {
      shown[0] = parts[0]!
      for (let index = 1; index < parts.length; index += 2) shown[0] += shown[index]! + parts[index + 1]
    }
    return shown[0]
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
  return createRenderer()(text, vars, locale, currency)!
}
