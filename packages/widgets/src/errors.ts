// The widgets' structured errors for host mistakes (wrong element, missing client), formatted once here.
// Hints are development-only text, as in the SDK's errors.

/** `true` outside production builds: bundlers replace `process.env.NODE_ENV`, so production bundles drop the hints. */
export const DEV = process.env.NODE_ENV !== 'production'

export interface WidgetError extends Error {
  code: string
  path: string
  /** How to fix it; empty in production builds. */
  hint: string
}

/**
 * An Error carrying `code`, `path` and `hint`; its message reads "[nudgekit] Failed to <action>: <reason>.
 * <hint>." (without a hint in production). The code defaults to `invalid_<name>` of the path's last part
 * (`options.target` → `invalid_target`).
 * @example throw widgetError('mount the usage meter', 'metric', 'the metric must be a non-empty string', 'Pass the metric id from your rules file')
 */
export function widgetError(action: string, path: string, reason: string, hint: string, code = `invalid_${path.split('.').pop()}`): WidgetError {
  return Object.assign(new Error(`[nudgekit] Failed to ${action}: ${reason}.${hint && ` ${hint}.`}`), { code, path, hint })
}
