// Defensive readers for rules data that has not passed the schema yet (checks run on it to report everything at once).

export type RawMap = Record<string, unknown>

export function isPlainObject(value: unknown): value is RawMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The value at `path`, or `undefined` when any step is missing or of the wrong kind. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = Object.hasOwn(current, segment) ? (current as Record<PropertyKey, unknown>)[segment] : undefined
  }
  return current
}

export function mapOf(value: unknown): RawMap {
  return isPlainObject(value) ? value : {}
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

export function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** A short, quoted rendering of a value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  if (typeof value === 'string') return `'${escapeControl(value.length > 40 ? value.slice(0, 37) + '…' : value)}'`
  return String(value)
}

/**
 * Text with control characters written as `\u001b` escapes, so a value echoed in a message cannot drive the
 * terminal it is printed on (colours, window titles, clearing the screen).
 * @example escapeControl('a\u001b]0;x\u0007') // 'a\\u001b]0;x\\u0007'
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
