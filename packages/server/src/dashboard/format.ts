// Number formatting for the dashboard: rates as percentages, money in the rules' currency, p-values.

export interface Formatters {
  count(value: number): string
  /** A count and its noun, singular or plural as English wants: (1, 'account') → "1 account", (2, 'account') → "2 accounts". */
  counted(value: number, one: string, other?: string): string
  /** A fraction as a percentage with one decimal: 0.1234 → "12.3%". */
  percent(value: number): string
  /** A difference of fractions in percentage points with a sign (U+2212 for minus): 0.031 → "+3.1 pp". */
  points(value: number): string
  /** An interval of fractions: "7.0%–19.8%". */
  interval(range: readonly [number, number]): string
  /** An interval of differences, spelled out so signs stay readable: "−3.5 to +17.7 pp". */
  pointsInterval(range: readonly [number, number]): string
  money(value: number): string
  /** Days with one decimal: 4 → "4.0". */
  days(value: number): string
  pValue(value: number): string
}

/**
 * Formatters for one locale and currency.
 * @example createFormatters('en-US', 'USD').percent(0.12) // '12.0%'
 */
export function createFormatters(locale: string, currency: string): Formatters {
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
  const percent = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const points = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 })
  // One decimal always, as the CLI prints median days (4.0, not 4).
  const days = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
  const probability = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 })
  // The page's words are English whatever the locale (which only formats the numbers), so English picks the form:
  // French rules would make "0 account" and "1.5 account". Rounded as the count is, so "1" always reads singular.
  const plural = new Intl.PluralRules('en', { maximumFractionDigits: 0 })
  return {
    count: (value) => count.format(value),
    counted: (value, one, other = `${one}s`) => `${count.format(value)} ${plural.select(value) === 'one' ? one : other}`,
    percent: (value) => percent.format(value),
    points: (value) => `${signed(points.format(value * 100))} pp`,
    interval: ([low, high]) => `${percent.format(low)}–${percent.format(high)}`,
    pointsInterval: ([low, high]) => `${signed(points.format(low * 100))} to ${signed(points.format(high * 100))} pp`,
    money: (value) => money.format(value),
    days: (value) => days.format(value),
    pValue: (value) => (value < 0.001 ? `< ${probability.format(0.001)}` : probability.format(value)),
  }
}

/** Intl writes a hyphen-minus for negatives in most locales; a true minus (U+2212) reads as a sign, not a dash. */
function signed(text: string): string {
  return text.replace('-', '\u2212')
}
