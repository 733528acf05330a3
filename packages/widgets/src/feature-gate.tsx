// Shows a feature when the plan includes it, otherwise a locked-feature card with the gate's prompt.
import type { ComponentChildren } from 'preact'
import { useMemo } from 'preact/hooks'
import { renderTemplate } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { PromptCard } from './prompt-card.tsx'
import { useStore } from './use-store.ts'

export interface FeatureGateProps {
  nudge: Nudge
  /** Feature id from the rules file. */
  feature: string
  /** The feature itself, rendered when the account's plan or add-ons include it. */
  children?: ComponentChildren
  /** Shown when locked and no prompt is due (caps, no trigger on this gate). Default: a short locked card. */
  fallback?: ComponentChildren
  /**
   * Shown instead of the children until the rules are loaded (`nudge.$rules` is undefined: a first visit or
   * cleared storage, before the server answers; for good if it never does). Default: the children, since
   * the gate allows until it knows the rules.
   */
  pending?: ComponentChildren
}

/**
 * Checks the feature with `nudge.gate(feature)` once per mount (again only when the feature, the rules or
 * the account change), since every check of a locked feature records a gate hit. Until the rules are loaded
 * it allows: the children show (or `pending`, when given).
 * @example <FeatureGate nudge={nudge} feature="segmentation" pending={<Spinner />}><Segments /></FeatureGate>
 */
export function FeatureGate({ nudge, feature, children, fallback, pending }: FeatureGateProps) {
  const rules = useStore(nudge.$rules)
  const account = useStore(nudge.$account)
  const gate = useMemo(() => nudge.gate(feature), [nudge, feature, rules, account])
  const inline = useStore(nudge.$prompts).inline[feature] ?? gate.prompt
  const { labels } = useConfig()
  if (!rules && pending !== undefined) return pending
  if (gate.allowed) return children
  if (inline) return <PromptCard key={inline.key} nudge={nudge} prompt={inline} kind="gate" />
  if (fallback !== undefined) return fallback
  return (
    <div class="nk-card nk-gate">
      <p class="nk-title">{renderTemplate(labels.locked, { feature: rules?.features[feature]?.label ?? feature })}</p>
    </div>
  )
}
