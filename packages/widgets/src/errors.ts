// The widgets' structured errors for host mistakes (wrong element, missing client), formatted once here.

export interface WidgetError extends Error {
  code: string
  path: string
  hint: string
}

/**
 * An Error carrying `code`, `path` and `hint`; its message reads
 * "[nudgekit] Failed to <action>: <reason>. <hint>."
 */
export function widgetError(code: string, path: string, action: string, reason: string, hint: string): WidgetError {
  return Object.assign(new Error(`[nudgekit] Failed to ${action}: ${reason}. ${hint}.`), { code, path, hint })
}
