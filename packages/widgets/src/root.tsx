// The element every widget tree hangs from: theme scope for the CSS and the configuration context.
import type { ComponentChildren } from 'preact'
import { Config, type Theme, type WidgetConfig } from './config.ts'

export interface NudgeRootProps extends WidgetConfig {
  /** Default `system` (follows `prefers-color-scheme`). */
  theme?: Theme
  children?: ComponentChildren
}

/**
 * Scopes the widgets' styles and hands `onCta`, `locale` and `labels` to every widget inside. `mount()`
 * renders one for you; Preact hosts wrap their widgets in it (and call `adoptStyles(document)` once).
 * @example <NudgeRoot theme="dark" onCta={openCheckout}><NudgeHost nudge={nudge} placement="banner" /></NudgeRoot>
 */
export function NudgeRoot({ theme = 'system', children, ...config }: NudgeRootProps) {
  return (
    <Config.Provider value={config}>
      <div class="nk" data-theme={theme}>
        {children}
      </div>
    </Config.Provider>
  )
}
