// The modal placement: a labelled, described dialog with focus trap, Esc or backdrop click to dismiss, focus return.
import { useId, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { PromptContent } from './prompt-content.tsx'
import { useDialog } from './dialog-focus.ts'
import { useImpression } from './use-impression.ts'

export function Modal({ nudge, prompt }: { nudge: Nudge; prompt: Prompt }) {
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  useImpression(ref, nudge, prompt)
  const dismiss = () => nudge.dismiss(prompt)
  useDialog(ref, dismiss)
  return (
    // A click on the backdrop itself (not on the dialog) dismisses, as Esc does; keyboard users have Esc.
    <div class="nk-backdrop" onClick={(event) => event.target === event.currentTarget && dismiss()}>
      <div
        ref={ref}
        class="nk-card nk-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}t`}
        aria-describedby={prompt.body ? `${id}b` : undefined}
        tabIndex={-1}
      >
        <PromptContent nudge={nudge} prompt={prompt} titleId={`${id}t`} bodyId={`${id}b`} heading closable />
      </div>
    </div>
  )
}
