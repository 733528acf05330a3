// UpgradeButton: the given or top active prompt, click then onCta, and the member request confirmation per prompt.
import { act, screen } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { UpgradeButton } from './upgrade-button.tsx'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import { renderInRoot } from '../test/helpers.tsx'

describe('UpgradeButton', () => {
  it('acts on the prompt it is given', async () => {
    const prompt = makePrompt({ cta: { label: 'Go annual' } })
    const nudge = createFakeNudge()
    const onCta = vi.fn()
    renderInRoot(<UpgradeButton nudge={nudge} prompt={prompt} />, { onCta })
    await userEvent.click(screen.getByRole('button', { name: 'Go annual' }))
    expect(nudge.called('click')).toEqual([[prompt]])
    expect(onCta).toHaveBeenCalledWith(prompt)
  })

  it('follows the highest-priority active prompt when none is given', () => {
    const nudge = createFakeNudge({
      prompts: {
        banner: makePrompt({ key: 'a:default', priority: 1, cta: { label: 'Upgrade to Pro', url: '/pro' } }),
        toast: makePrompt({ key: 'b:default', priority: 5, placement: 'toast', cta: { label: 'Add Analytics', url: '/analytics' } }),
      },
    })
    renderInRoot(<UpgradeButton nudge={nudge} />)
    expect(screen.getByRole('link', { name: 'Add Analytics' })).toBeTruthy()
    act(() => nudge.show('toast', undefined))
    expect(screen.getByRole('link', { name: 'Upgrade to Pro' })).toBeTruthy()
  })

  it('renders nothing without a prompt', () => {
    const nudge = createFakeNudge()
    const { container } = renderInRoot(<UpgradeButton nudge={nudge} />)
    expect(container.querySelector('.nk')?.childElementCount).toBe(0)
  })

  it('leaves out a buyer\'s CTA that has neither a URL nor onCta, and says why once in development', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const prompt = makePrompt({ trigger: 'contacts-full', cta: { label: 'Upgrade' } })
    const nudge = createFakeNudge()
    const { container, rerender } = renderInRoot(<UpgradeButton nudge={nudge} prompt={prompt} />)
    rerender(<UpgradeButton nudge={nudge} prompt={{ ...prompt }} />)
    expect(screen.queryByRole('button')).toBeNull()
    expect(container.querySelector('.nk')?.childElementCount).toBe(0)
    expect(warn.mock.calls).toEqual([
      [
        "[nudgekit] Failed to show the CTA of trigger 'contacts-full': its cta.url is missing and no onCta is set. Give the prompt a cta.url, or pass onCta to mount() or NudgeRoot.",
      ],
    ])
    warn.mockRestore()
  })

  it('still gives a member the request flow on a prompt without a CTA URL', () => {
    const nudge = createFakeNudge()
    renderInRoot(<UpgradeButton nudge={nudge} prompt={makePrompt({ audience: 'non_buyer', cta: { label: 'Ask your admin' } })} />)
    expect(screen.getByRole('button', { name: 'Ask your admin' })).toBeTruthy()
  })

  it('resets the request confirmation for a new prompt', async () => {
    const ask = (key: string) => makePrompt({ key, audience: 'non_buyer', cta: { label: 'Ask your admin' } })
    const nudge = createFakeNudge()
    const { rerender } = renderInRoot(<UpgradeButton nudge={nudge} prompt={ask('a:default')} />)
    await userEvent.click(screen.getByRole('button', { name: 'Ask your admin' }))
    expect(screen.getByRole('status').textContent).toBe('Request sent to your admin')
    rerender(<UpgradeButton nudge={nudge} prompt={ask('b:default')} />)
    expect(screen.getByRole('button', { name: 'Ask your admin' })).toBeTruthy()
  })
})
