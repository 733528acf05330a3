// The prompt's call to action: upgrade link/button for buyers, "Ask your admin" request flow for everyone else.
import { useRef, useState } from 'preact/hooks'
import { isSafeUrl, type Prompt } from '@nudgekit/rules/evaluator'
import type { ActivePrompts, Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { useStore } from './use-store.ts'

export interface UpgradeButtonProps {
  nudge: Nudge
  /** The prompt to act on. Default: the highest-priority prompt active in a banner, modal or toast. */
  prompt?: Prompt
}

function topPrompt({ banner, modal, toast }: ActivePrompts): Prompt | undefined {
  let top: Prompt | undefined
  for (const prompt of [modal, banner, toast]) if (prompt && (!top || prompt.priority > top.priority)) top = prompt
  return top
}

/**
 * Buyers get the CTA: a link to the CTA URL (checked with `isSafeUrl` again here) or, with `onCta`, a
 * handler; the click is recorded first. Non-buyers get the request flow: `requestUpgrade`, then a
 * confirmation announced in a polite live region. Renders nothing without a prompt.
 * @example <UpgradeButton nudge={nudge} prompt={nudge.$prompts.get().banner} />
 */
export function UpgradeButton({ nudge, prompt }: UpgradeButtonProps) {
  const active = topPrompt(useStore(nudge.$prompts))
  const shown = prompt ?? active
  return shown ? <Action key={shown.key} nudge={nudge} prompt={shown} /> : null
}

function Action({ nudge, prompt }: { nudge: Nudge; prompt: Prompt }) {
  const { onCta, labels } = useConfig()
  const [sent, setSent] = useState(false)
  const status = useRef<HTMLParagraphElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  if (prompt.audience === 'non_buyer') {
    const request = () => {
      const root = button.current?.getRootNode() as Document | ShadowRoot | undefined
      const hadFocus = root?.activeElement === button.current
      nudge.requestUpgrade(prompt)
      // The button goes away; keep keyboard users next to the confirmation rather than on <body>.
      if (hadFocus) status.current?.focus()
      setSent(true)
    }
    return (
      <>
        {!sent && (
          <button ref={button} type="button" class="nk-btn" onClick={request}>
            {prompt.cta.label}
          </button>
        )}
        <p ref={status} class="nk-status" role="status" tabIndex={-1}>
          {sent ? labels.requested : ''}
        </p>
      </>
    )
  }

  const url = prompt.cta.url
  const onClick = (event: MouseEvent) => {
    nudge.click(prompt)
    if (onCta) {
      event.preventDefault()
      onCta(prompt)
    }
  }
  return url && isSafeUrl(url) ? (
    <a class="nk-btn" href={url} onClick={onClick}>
      {prompt.cta.label}
    </a>
  ) : (
    <button type="button" class="nk-btn" onClick={onClick}>
      {prompt.cta.label}
    </button>
  )
}
