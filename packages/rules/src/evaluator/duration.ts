// Durations in the rules file (`14d`, `12h`, `30m`, `2w`) and percentages (`80%`), parsed once.

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** Matches a duration like `14d`, `12h`, `1.5h`, `30m`, `45s`, `2w`. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/

/** Matches a percentage like `80%` or `12.5%`. */
export const PERCENT_PATTERN = /^(\d+(?:\.\d+)?)%$/

/**
 * Milliseconds in a duration, or `undefined` when the text is not one.
 * @example parseDuration('14d') // 1209600000
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim())
  return match ? Math.round(Number(match[1]) * UNIT_MS[match[2]!]!) : undefined
}

/**
 * The number in a percentage, or `undefined` when the text is not one.
 * @example parsePercent('80%') // 80
 */
export function parsePercent(text: string): number | undefined {
  const match = PERCENT_PATTERN.exec(text.trim())
  return match ? Number(match[1]) : undefined
}
