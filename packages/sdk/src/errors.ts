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

/** An error for a caller's mistake: the issue's fields, with `message` formatted for people. */
export interface NudgeError extends Error, NudgeIssue {
  action: string
}

/** "[nudgekit] Failed to <action>: <path> <message>. <hint>." */
export function formatIssue(action: string, { path, message, hint }: NudgeIssue): string {
  return `[nudgekit] Failed to ${action}: ${path} ${message}.${hint && ` ${hint}.`}`
}

/**
 * Builds the error `createNudge` throws for bad options.
 * @example throw nudgeError('create the client', { code: 'invalid_option', path: 'options.key', message: 'is missing', hint: 'Pass your publishable key' })
 */
export function nudgeError(action: string, issue: NudgeIssue): NudgeError {
  return Object.assign(new Error(), issue, { name: 'NudgeError', action, message: formatIssue(action, issue) })
}
