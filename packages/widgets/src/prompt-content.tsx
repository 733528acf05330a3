// The inside of every prompt: title, body, call to action, "Remind me later" and the close button.
import type { Prompt } from '@nudgekit/rules/evaluator'
import type { Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { UpgradeButton } from './upgrade-button.tsx'

export interface PromptContentProps {
  nudge: Nudge
  prompt: Prompt
  titleId: string
  bodyId: string
  /** The modal's title is a heading; banner and toast titles are plain text. */
  heading?: boolean
  /** Offer snooze and dismiss (banner, modal, toast); a locked-feature card has neither. */
  closable?: boolean
}

/** Copy is rendered as text nodes only, so markup in rules copy shows literally and never runs. */
export function PromptContent({ nudge, prompt, titleId, bodyId, heading, closable }: PromptContentProps) {
  const { labels } = useConfig()
  const Title = heading ? 'h2' : 'p'
  const dismiss = prompt.dismissLabel ?? labels.dismiss
  return (
    <>
      <div class="nk-main">
        <Title id={titleId} class="nk-title">
          {prompt.title}
        </Title>
        {prompt.body && (
          <p id={bodyId} class="nk-body">
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
        <button type="button" class="nk-close" aria-label={dismiss} title={dismiss} onClick={() => nudge.dismiss(prompt)}>
          <span aria-hidden="true">×</span>
        </button>
      )}
    </>
  )
}
