// Errors and warnings as data first (code, path, message, hint), formatted once with the `[nudgekit]`
// prefix: "Failed to <action>: <path> <message>. <hint>." Hints are development-only text.

/**
 * `true` outside production builds. Bundlers replace `process.env.NODE_ENV` (esbuild does when minifying
 * for the browser), so production bundles drop the hints; imported as a constant, they fold it away.
 */
export const DEV = process.env.NODE_ENV !== 'production'

export interface NudgeIssue {
  code: 'invalid_option' | 'invalid_argument'
  /** Where the bad input is, e.g. `options.account.id` or `metric`. */
  path: string
  /** What is wrong with it, e.g. `is missing`. */
  message: string
  /** How to fix it; empty in production builds. */
  hint: string
}

/**
 * An error for a caller's mistake: the issue's fields, with `message` formatted for people. A plain `Error`
 * (no class to `instanceof`): recognise it by `error.name === 'NudgeError'`, then read `code` and `path`.
 */
export interface NudgeError extends Error, NudgeIssue {
  action: string
}

/**
 * `JSON.stringify(value)`, or `undefined` where that throws (cycles, BigInt) or gives nothing (functions).
 * @example json({ a: 1 }) // '{"a":1}'; json({ n: 1n }) // undefined
 */
export function json(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {}
}

/**
 * A caller's value as a message shows it: strings quoted, numbers as they are, anything else as JSON or its type.
 * @example quote('12') // "'12'"; quote(Number.NaN) // 'NaN'; quote({ n: 1n }) // 'object'
 */
export function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? '' + value : (json(value) ?? typeof value)
}

/** "[nudgekit] Failed to <action>: <path> <message>. <hint>." */
export function formatIssue(action: string, path: string, message: string, hint = ''): string {
  return `[nudgekit] Failed to ${action}: ${path} ${message}.${hint && ` ${hint}.`}`
}

/** Prints a formatted issue (see `formatIssue`) as a warning; `false`, so checks read `ok || warn(…)`. */
export type Warn = (action: string, path: string, message: string, hint?: string) => false

/**
 * Builds the error `createNudge` throws for bad options.
 * @example throw nudgeError('create the client', { code: 'invalid_option', path: 'options.key', message: 'is missing', hint: 'Pass your publishable key' })
 */
export function nudgeError(action: string, issue: NudgeIssue): NudgeError {
  return Object.assign(new Error(), issue, { name: 'NudgeError', action, message: formatIssue(action, issue.path, issue.message, issue.hint) })
}
