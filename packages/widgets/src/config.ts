// What a host configures once for every widget under it: CTA handler, locale, theme and UI strings.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'

/** The widgets' own UI strings. Prompt copy comes from the rules file; these cover the chrome around it. */
export interface Labels {
  /** Accessible name of the close button when the prompt has no `dismissLabel`. */
  dismiss: string
  snooze: string
  /** Shown (and announced) after a non-buyer asked their admin. */
  requested: string
  /**
   * Meter text; `{used}` and `{limit}` are filled as in prompt copy (`renderTemplate`: numbers formatted in the
   * locale, `{{`/`}}` literal braces, other names empty).
   */
  usage: string
  /** Meter text for a metric without a limit. */
  unlimited: string
  /** Meter status at the warning threshold. */
  nearLimit: string
  /** Meter status at the critical threshold. */
  atLimit: string
  /** Locked-feature card title when no prompt is due; `{feature}` is the feature's label. */
  locked: string
}

/**
 * The English defaults; pass `labels` to `mount()` or `NudgeRoot` to translate any of them.
 * @example mount(nudge, { labels: { ...defaultLabels, snooze: 'Später erinnern' } })
 */
export const defaultLabels: Labels = {
  dismiss: 'Dismiss',
  snooze: 'Remind me later',
  requested: 'Request sent to your admin',
  usage: '{used} of {limit}',
  unlimited: '{used} used',
  nearLimit: 'Nearly at the limit',
  atLimit: 'Limit reached',
  locked: '{feature} is not included in your plan',
}

export type Theme = 'light' | 'dark' | 'system'

export interface WidgetConfig {
  /** Called after the click is recorded, instead of following the CTA URL (e.g. open your own checkout). */
  onCta?: (prompt: Prompt) => void
  /** Locale for the numbers the widgets format themselves (meter). Prompt copy arrives formatted. */
  locale?: string
  labels?: Partial<Labels>
}

export const Config = createContext<WidgetConfig>({})

/** The nearest configuration with every label filled in. */
export function useConfig(): WidgetConfig & { labels: Labels } {
  const config = useContext(Config)
  return { ...config, labels: { ...defaultLabels, ...config.labels } }
}
