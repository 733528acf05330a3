// Every prompt surface: banner (a labelled region), toast (inside the host's live region), modal (a labelled,
// described dialog over a backdrop) and the locked-feature card (a labelled group). One component, so the
// four share their markup; each records its impression once per showing.
import { useId, useRef } from 'preact/hooks'
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { useDialog } from './dialog-focus.ts'
import { useScrollClearance } from './scroll-clearance.ts'
import { UpgradeButton } from './upgrade-button.tsx'
import { useImpression } from './use-impression.ts'

export interface PromptCardProps {
  nudge: Nudge
  prompt: Prompt
  kind: 'banner' | 'modal' | 'toast' | 'gate'
}

/**
 * Copy is rendered as text nodes only, so markup in rules copy shows literally and never runs. The modal's
 * title is a heading; a click on its backdrop (not on the dialog) dismisses, as Esc does. Banner, modal and
 * toast offer snooze and dismiss; a locked-feature card has neither.
 */
export function PromptCard({ nudge, prompt, kind }: PromptCardProps) {
  // Typed as the narrowest surface so the ref fits both <section> and <div>.
  const ref = useRef<HTMLDivElement>(null)
  const id = useId()
  const { labels } = useConfig()
  const modal = kind === 'modal'
  const closable = kind !== 'gate'
  const dismiss = () => nudge.dismiss(prompt)
  const close = prompt.dismissLabel ?? labels.dismiss
  useImpression(ref, nudge, prompt)
  useScrollClearance(ref, kind === 'banner')
  useDialog(ref, dismiss, modal)
  const Surface = kind === 'banner' ? 'section' : 'div'
  const Title = modal ? 'h2' : 'p'
  const card = (
    <Surface
      ref={ref}
      class={`nk-card nk-${kind}`}
      role={modal ? 'dialog' : closable ? undefined : 'group'}
      aria-modal={modal || undefined}
      aria-labelledby={kind === 'toast' ? undefined : `${id}t`}
      aria-describedby={modal && prompt.body ? `${id}b` : undefined}
      tabIndex={modal ? -1 : undefined}
    >
      <div class="nk-main">
        <Title id={`${id}t`} class="nk-title">
          {prompt.title}
        </Title>
        {prompt.body && (
          <p id={`${id}b`} class="nk-body">
            {prompt.body}
          </p>
        )}
        <div class="nk-actions">
          <UpgradeButton nudge={nudge} prompt={prompt} />
          {closable && (
            <button type="button" class="nk-text" onClick={() => nudge.snooze(prompt)}>
              {labels.snooze}
            </button>
          )}
        </div>
      </div>
      {closable && (
        <button type="button" class="nk-close" aria-label={close} title={close} onClick={dismiss}>
          <span aria-hidden="true">×</span>
        </button>
      )}
    </Surface>
  )
  return modal ? (
    <div class="nk-backdrop" onClick={(event) => event.target === event.currentTarget && dismiss()}>
      {card}
    </div>
  ) : (
    card
  )
}
