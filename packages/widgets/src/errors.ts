// The widgets' structured errors for host mistakes (wrong element, missing client), formatted once here.

export interface WidgetError extends Error {
  code: string
  path: string
  hint: string
}

/**
 * An Error carrying `code`, `path` and `hint`; its message reads
 * "[nudgekit] Failed to <action>: <reason>. <hint>.". The code defaults to `invalid_<name>` of the path's
 * last part (`options.target` → `invalid_target`).
 * @example throw widgetError('mount the usage meter', 'metric', 'the metric must be a non-empty string', 'Pass the metric id from your rules file')
 */
export function widgetError(action: string, path: string, reason: string, hint: string, code = `invalid_${path.split('.').pop()}`): WidgetError {
  return Object.assign(new Error(`[nudgekit] Failed to ${action}: ${reason}. ${hint}.`), { code, path, hint })
}
