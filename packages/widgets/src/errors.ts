// The widgets' structured errors and warnings for host mistakes (wrong element, missing client, unknown
// metric), formatted once here. Hints are development-only text, as in the SDK's errors.

/** `true` outside production builds: bundlers replace `process.env.NODE_ENV`, so production bundles drop the hints. */
export const DEV = process.env.NODE_ENV !== 'production'

/** Recognise one by `error.name === 'WidgetError'`; `code` and `path` say what was wrong. */
export interface WidgetError extends Error {
  name: 'WidgetError'
  code: string
  path: string
  /** How to fix it; empty in production builds. */
  hint: string
}

/** "[nudgekit] Failed to <action>: <reason>. <hint>." */
const format = (action: string, reason: string, hint: string) => `[nudgekit] Failed to ${action}: ${reason}.${hint && ` ${hint}.`}`

/**
 * An Error named `WidgetError` carrying `code`, `path` and `hint`; its message reads "[nudgekit] Failed to
 * <action>: <reason>. <hint>." (without a hint in production). The code defaults to `invalid_<name>` of the
 * path's last part (`options.target` → `invalid_target`).
 * @example throw widgetError('mount the usage meter', 'metric', 'the metric must be a non-empty string', 'Pass the metric id from your rules file')
 */
export function widgetError(action: string, path: string, reason: string, hint: string, code = `invalid_${path.split('.').pop()}`): WidgetError {
  return Object.assign(new Error(format(action, reason, hint)), { name: 'WidgetError' as const, code, path, hint })
}

const warned = new Set<string>()

/**
 * `console.warn`s a mistake that does not stop the widget, once per distinct text: widgets re-render often.
 * Callers guard it with `process.env.NODE_ENV !== 'production'` (not `DEV`: bundlers drop only a literal
 * condition's branch at parse time), so production bundles carry neither the warnings nor this.
 * @example if (process.env.NODE_ENV !== 'production') warnOnce('show the usage meter', "metric 'nope' is not in the rules", 'Use one of: contacts')
 */
export function warnOnce(action: string, reason: string, hint: string): void {
  const text = format(action, reason, hint)
  if (!warned.has(text)) warned.add(text), console.warn(text)
}
