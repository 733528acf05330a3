// Renders the active prompt of one placement (banner, modal or toast) and follows it as it changes.
import type { Nudge } from '@nudgekit/sdk'
import { PromptCard } from './prompt-card.tsx'
import { useStore } from './use-store.ts'

export interface NudgeHostProps {
  nudge: Nudge
  placement: 'banner' | 'modal' | 'toast'
}

/**
 * The prompt the SDK selected for `placement`, or nothing. A new prompt key is a new showing: it mounts
 * afresh (one impression, focus moved into a new modal).
 * @example <NudgeHost nudge={nudge} placement="banner" />
 */
export function NudgeHost({ nudge, placement }: NudgeHostProps) {
  const prompt = useStore(nudge.$prompts)[placement]
  const view = prompt && <PromptCard key={prompt.key} nudge={nudge} prompt={prompt} kind={placement} />
  // The toast's live region stays in the DOM between toasts so screen readers announce each arrival.
  return placement === 'toast' ? (
    <div role="status" aria-live="polite">
      {view}
    </div>
  ) : (
    view
  )
}
