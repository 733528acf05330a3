// The prompt's call to action: upgrade link/button for buyers, "Ask your admin" request flow for everyone else.
import { useRef, useState } from 'preact/hooks'
import { isSafeUrl, type Prompt } from '@nudgekit/rules/evaluator'
import type { ActivePrompts, Nudge } from '@nudgekit/sdk'
import { useConfig } from './config.ts'
import { warnOnce } from './errors.ts'
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
 * handler; the click is recorded first. Without `onCta` and a safe URL there is no CTA (a development
 * warning says so). Non-buyers get the request flow: `requestUpgrade`, then a confirmation announced in a
 * polite live region. Renders nothing without a prompt.
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
  const asks = prompt.audience === 'non_buyer'
  const url = prompt.cta.url
  const href = !asks && url && isSafeUrl(url) ? url : undefined
  // A buyer's CTA with nowhere to go would be a button that does nothing: leave it out.
  if (!asks && !href && !onCta) {
    // The literal condition, not DEV, lets bundlers drop the warning and warnOnce with it.
    if (process.env.NODE_ENV !== 'production') warnOnce(`show the CTA of trigger '${prompt.trigger}'`, `its cta.url is ${url ? `unsafe (${url})` : 'missing'} and no onCta is set`, 'Give the prompt a cta.url, or pass onCta to mount() or NudgeRoot')
    return null
  }
  const onClick = (event: MouseEvent) => {
    if (asks) {
      const button = event.currentTarget as HTMLElement
      const hadFocus = (button.getRootNode() as Document | ShadowRoot).activeElement === button
      nudge.requestUpgrade(prompt)
      // The button goes away; keep keyboard users next to the confirmation rather than on <body>.
      if (hadFocus) status.current?.focus()
      setSent(true)
      return
    }
    nudge.click(prompt)
    if (onCta) {
      event.preventDefault()
      onCta(prompt)
    }
  }
  // A safe URL makes the CTA a real link; otherwise it is a button (the request flow, or `onCta`).
  const Cta = href ? 'a' : 'button'
  return (
    <>
      {!sent && (
        <Cta class="nk-btn" href={href} type={href ? undefined : 'button'} onClick={onClick}>
          {prompt.cta.label}
        </Cta>
      )}
      {asks && (
        <p ref={status} class="nk-status" role="status" tabIndex={-1}>
          {sent ? labels.requested : ''}
        </p>
      )}
    </>
  )
}
