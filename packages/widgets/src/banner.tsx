// The banner placement: a labelled region across the top of the page.
import { useId, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { PromptContent } from './prompt-content.tsx'
import { useImpression } from './use-impression.ts'

export function Banner({ nudge, prompt }: { nudge: Nudge; prompt: Prompt }) {
  const ref = useRef<HTMLElement>(null)
  const id = useId()
  useImpression(ref, nudge, prompt)
  return (
    <section ref={ref} class="nk-card nk-banner" aria-labelledby={`${id}t`}>
      <PromptContent nudge={nudge} prompt={prompt} titleId={`${id}t`} bodyId={`${id}b`} closable />
    </section>
  )
}
