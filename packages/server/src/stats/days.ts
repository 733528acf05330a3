// Calendar days (UTC, YYYY-MM-DD) ↔ epoch milliseconds, the unit of every stats date range.

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * Start of a UTC calendar day in epoch milliseconds, or `undefined` when the text is not a real
 * YYYY-MM-DD date (`2026-02-30` is not). Years run from 0000 to 9999 in the proleptic Gregorian
 * calendar, the days `z.iso.date()` (openapi.json's `from`/`to`) accepts.
 * @example parseDay('2026-01-31') // 1769817600000
 */
export function parseDay(text: string): number | undefined {
  const match = DAY_PATTERN.exec(text)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0–99 as 1900–1999, and '0001-01-01' is a real date.
  const date = new Date(0)
  const ms = date.setUTCFullYear(year, month - 1, day)
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return ms
}

/**
 * The UTC calendar day containing an instant.
 * @example formatDay(1769817600000) // '2026-01-31'
 */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Start of the UTC day containing an instant. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}
