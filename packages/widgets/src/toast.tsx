// The toast placement: a card in the corner inside a polite live region.
import { useId, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { PromptContent } from './prompt-content.tsx'
import { useImpression } from './use-impression.ts'

export function Toast({ nudge, prompt }: { nudge: Nudge; prompt: Prompt }) {
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  useImpression(ref, nudge, prompt)
  return (
    <div ref={ref} class="nk-card nk-toast">
      <PromptContent nudge={nudge} prompt={prompt} titleId={`${id}t`} bodyId={`${id}b`} closable />
    </div>
  )
}
