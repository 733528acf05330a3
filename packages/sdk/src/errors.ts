// Errors and warnings as data first (code, path, message, hint), formatted once with the `[nudgekit]`
// prefix: "Failed to <action>: <reason>. <fix>."

export interface NudgeIssue {
  code: string
  /** Where the bad input is, e.g. `options.account.id` or `setUsage(metric)`. */
  path: string
  message: string
  hint: string
}

/** An error for a caller's mistake: the issue's fields, with `message` formatted for people. */
export interface NudgeError extends Error, NudgeIssue {
  action: string
}

/** "[nudgekit] Failed to <action>: <message>. <hint>." */
export function formatIssue(action: string, issue: NudgeIssue): string {
  return `[nudgekit] Failed to ${action}: ${issue.message}. ${issue.hint}.`
}

/**
 * Builds the error `createNudge` throws for bad options.
 * @example throw nudgeError('create the client', { code: 'missing_key', path: 'options.key', message: 'key is missing', hint: 'Pass your publishable key' })
 */
export function nudgeError(action: string, issue: NudgeIssue): NudgeError {
  return Object.assign(new Error(), issue, { name: 'NudgeError', action, message: formatIssue(action, issue) })
}

/** A console warning printed once per distinct text, for bad input to SDK calls that must not throw. */
export function createWarnOnce(): (action: string, issue: NudgeIssue) => void {
  const seen = new Set<string>()
  return (action, issue) => {
    const text = formatIssue(action, issue)
    if (seen.has(text)) return
    seen.add(text)
    console.warn(text)
  }
}
