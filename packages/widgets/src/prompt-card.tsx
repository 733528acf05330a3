// The non-modal prompt surfaces: banner (a labelled region), toast (inside the host's live region) and
// the locked-feature card (a labelled group); each records its impression once per showing.
import { useId, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { PromptContent } from './prompt-content.tsx'
import { useScrollClearance } from './scroll-clearance.ts'
import { useImpression } from './use-impression.ts'

export interface PromptCardProps {
  nudge: Nudge
  prompt: Prompt
  kind: 'banner' | 'toast' | 'gate'
}

export function PromptCard({ nudge, prompt, kind }: PromptCardProps) {
  // Typed as the narrower of the two surfaces so the ref fits both <section> and <div>.
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  useImpression(ref, nudge, prompt)
  useScrollClearance(ref, kind === 'banner')
  const Surface = kind === 'banner' ? 'section' : 'div'
  return (
    <Surface
      ref={ref}
      class={`nk-card nk-${kind}`}
      role={kind === 'gate' ? 'group' : undefined}
      aria-labelledby={kind === 'toast' ? undefined : `${id}t`}
    >
      <PromptContent nudge={nudge} prompt={prompt} titleId={`${id}t`} bodyId={`${id}b`} closable={kind !== 'gate'} />
    </Surface>
  )
}
