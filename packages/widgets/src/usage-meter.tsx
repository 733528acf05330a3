// A metric's usage against the plan limit: text label plus an accessible progress bar coloured by level.
import { useId } from 'preact/hooks'
import { renderTemplate } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { warnOnce } from './errors.ts'
import { useStore } from './use-store.ts'

export interface UsageMeterProps {
  nudge: Nudge
  /** Metric id from the rules file. */
  metric: string
  /** Percent of the limit from which the meter shows the warning colour and status. Default 80. */
  warnAt?: number
  /** Percent of the limit from which the meter shows the critical colour and status. Default 100. */
  criticalAt?: number
}

/**
 * "812 of 1,000" with a `progressbar` (valuenow/min/max, valuetext), in the accent colour, the warning
 * colour from `warnAt` and the danger colour from `criticalAt`; the level is also written out, so colour
 * is never the only signal. Numbers use the configured locale. Renders nothing for a metric without usage
 * yet, or one the loaded rules do not have (with a development warning, once).
 * @example <UsageMeter nudge={nudge} metric="contacts" warnAt={90} />
 */
export function UsageMeter({ nudge, metric, warnAt = 80, criticalAt = 100 }: UsageMeterProps) {
  const view = useStore(nudge.$usage)[metric]
  const { labels, locale } = useConfig()
  const id = useId()
  if (!view) {
    // A typo would otherwise leave an empty space. Loaded rules also set $usage, which re-renders the meter.
    // The literal condition, not DEV, lets bundlers drop the branch and warnOnce with it.
    if (process.env.NODE_ENV !== 'production') {
      const metrics = nudge.$rules.get()?.metrics
      if (metrics && !metrics[metric]) warnOnce('show the usage meter', `metric '${metric}' is not in the rules`, 'Use one of: ' + Object.keys(metrics).join(', '))
    }
    return null
  }
  const { used, limit } = view
  // The view has a percent exactly when there is a limit; without one the meter is the count alone: no bar, no level.
  const percent = view.percent ?? 0
  const level = limit === null ? undefined : percent >= criticalAt ? 'critical' : percent >= warnAt ? 'warn' : undefined
  const status = level && (level === 'critical' ? labels.atLimit : labels.nearLimit)
  // The evaluator's templating formats the numbers (a locale Intl rejects falls back to the runtime's).
  const text = renderTemplate(limit === null ? labels.unlimited : labels.usage, { used, limit }, locale)
  return (
    <div class={level ? `nk-meter nk-${level}` : 'nk-meter'}>
      <div class="nk-meter-head">
        <span id={`${id}l`}>{view.label}</span>
        <span>{text}</span>
      </div>
      {limit !== null && (
        <div
          class="nk-bar"
          role="progressbar"
          aria-labelledby={`${id}l`}
          aria-valuemin={0}
          aria-valuemax={limit}
          aria-valuenow={Math.min(used, limit)}
          aria-valuetext={status ? `${text}, ${status}` : text}
          style={{ '--nk-fill': `${Math.min(percent, 100)}%` }}
        >
          <div class="nk-fill" />
        </div>
      )}
      {status && <span class="nk-level">{status}</span>}
    </div>
  )
}
