// The modal's dialog semantics and keyboard contract: labelled and described, focus in, Tab trapped, Esc, focus return.
import { act, screen } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { NudgeHost } from './nudge-host.tsx'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import { renderInRoot } from '../test/helpers.tsx'

const modalPrompt = makePrompt({ key: 'seats-100:default', placement: 'modal', title: 'All 3 seats are taken', body: 'Pro has 10 seats.' })

function setup() {
  const nudge = createFakeNudge()
  renderInRoot(
    <>
      <button type="button">Invite teammate</button>
      <NudgeHost nudge={nudge} placement="modal" />
    </>,
  )
  const opener = screen.getByRole('button', { name: 'Invite teammate' })
  opener.focus()
  act(() => nudge.show('modal', modalPrompt))
  return { nudge, opener, dialog: screen.getByRole('dialog') }
}

describe('NudgeHost modal', () => {
  it('is a modal dialog labelled by its title and described by its body', () => {
    const { dialog } = setup()
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    expect(screen.getByRole('dialog', { name: 'All 3 seats are taken', description: 'Pro has 10 seats.' })).toBe(dialog)
    expect(screen.getByRole('heading', { name: 'All 3 seats are taken' })).toBeTruthy()
  })

  it('moves focus into the dialog when it opens', () => {
    const { dialog } = setup()
    expect(document.activeElement).toBe(dialog)
  })

  it('keeps Tab and Shift+Tab inside the dialog', async () => {
    setup()
    const user = userEvent.setup()
    const cta = screen.getByRole('link', { name: 'Upgrade to Pro' })
    const snooze = screen.getByRole('button', { name: 'Remind me later' })
    const close = screen.getByRole('button', { name: 'Dismiss' })
    await user.tab()
    expect(document.activeElement).toBe(cta)
    await user.tab()
    expect(document.activeElement).toBe(snooze)
    await user.tab()
    expect(document.activeElement).toBe(close)
    await user.tab()
    expect(document.activeElement).toBe(cta)
    await user.tab({ shift: true })
    expect(document.activeElement).toBe(close)
  })

  it('brings Tab back into the dialog after focus left it', async () => {
    const { opener } = setup()
    opener.focus()
    await userEvent.setup().tab()
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Upgrade to Pro' }))
  })

  it('dismisses on Esc and returns focus to the element that had it before', async () => {
    const { nudge, opener } = setup()
    await userEvent.setup().keyboard('{Escape}')
    expect(nudge.called('dismiss')).toEqual([[modalPrompt]])
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(opener)
  })

  it('returns focus after the close button dismisses it', async () => {
    const { nudge, opener } = setup()
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(nudge.called('dismiss')).toHaveLength(1)
    expect(document.activeElement).toBe(opener)
  })

  it('dismisses on a click on the backdrop but not on a click inside the dialog', async () => {
    const { nudge, dialog } = setup()
    await userEvent.click(screen.getByRole('heading'))
    expect(nudge.called('dismiss')).toEqual([])
    await userEvent.click(dialog.parentElement as HTMLElement)
    expect(nudge.called('dismiss')).toEqual([[modalPrompt]])
  })

  // Preact 11 runs an unmounted component's useEffect cleanups after the next paint: the dialog must not wait for it.
  it.each([
    ['Esc', () => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))],
    ['the close button', () => screen.getByRole('button', { name: 'Dismiss' }).click()],
  ])('returns focus and stops listening for Esc as soon as %s closes it, not a frame later', async (_, close) => {
    const { nudge, opener } = setup()
    close()
    // One task: the re-render that removes the dialog has run, the next frame has not.
    await new Promise((resolve) => setTimeout(resolve))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(document.activeElement).toBe(opener)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    expect(nudge.called('dismiss')).toHaveLength(1)
  })

  it('stops listening for Esc once closed', async () => {
    const { nudge } = setup()
    const user = userEvent.setup()
    await user.keyboard('{Escape}')
    await user.keyboard('{Escape}')
    expect(nudge.called('dismiss')).toHaveLength(1)
  })
})
