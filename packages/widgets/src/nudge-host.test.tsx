// Banner and toast through NudgeHost: names, CTA, dismiss/snooze, buyer vs member, unsafe URLs, inert copy, impressions.
import { act, screen } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { NudgeHost } from './nudge-host.tsx'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import { fakeIntersectionObserver, renderInRoot } from '../test/helpers.tsx'

describe('NudgeHost banner', () => {
  it('shows the banner prompt as a region named by its title, with the CTA as a link', () => {
    const nudge = createFakeNudge({ prompts: { banner: makePrompt() } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    const region = screen.getByRole('region', { name: "You've used 812 of 1,000 contacts" })
    expect(region).toHaveProperty('textContent', expect.stringContaining('Pro raises the limit to 10,000.'))
    expect(screen.getByRole('link', { name: 'Upgrade to Pro' }).getAttribute('href')).toBe('/billing/upgrade?plan=pro')
  })

  it('renders nothing while no prompt is active for the placement', () => {
    const nudge = createFakeNudge({ prompts: { modal: makePrompt({ placement: 'modal' }) } })
    const { container } = renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(container.querySelector('.nk')?.childElementCount).toBe(0)
  })

  it('records the click, then hands the prompt to onCta instead of navigating', async () => {
    const prompt = makePrompt()
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    const order: string[] = []
    const onCta = vi.fn(() => order.push(`onCta after ${nudge.calls.at(-1)?.[0]}`))
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />, { onCta })
    const link = screen.getByRole('link', { name: 'Upgrade to Pro' })
    const click = new MouseEvent('click', { bubbles: true, cancelable: true })
    link.dispatchEvent(click)
    expect(nudge.called('click')).toEqual([[prompt]])
    expect(onCta).toHaveBeenCalledWith(prompt)
    expect(order).toEqual(['onCta after click'])
    expect(click.defaultPrevented).toBe(true)
  })

  it('dismisses with the close button, named by the prompt dismiss label', async () => {
    const prompt = makePrompt({ dismissLabel: 'Not now' })
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    await userEvent.click(screen.getByRole('button', { name: 'Not now' }))
    expect(nudge.called('dismiss')).toEqual([[prompt]])
    expect(screen.queryByRole('region')).toBeNull()
  })

  it('snoozes with "Remind me later"', async () => {
    const prompt = makePrompt()
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    await userEvent.click(screen.getByRole('button', { name: 'Remind me later' }))
    expect(nudge.called('snooze')).toEqual([[prompt]])
    expect(nudge.called('dismiss')).toEqual([])
    expect(screen.queryByRole('region')).toBeNull()
  })

  it('uses the host-provided labels for its own chrome', () => {
    const nudge = createFakeNudge({ prompts: { banner: makePrompt() } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />, { labels: { snooze: 'Später erinnern', dismiss: 'Schließen' } })
    expect(screen.getByRole('button', { name: 'Später erinnern' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Schließen' })).toBeTruthy()
  })
})

describe('NudgeHost CTA safety and copy', () => {
  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', '//evil.example/upgrade'])(
    'renders no link for the unsafe CTA URL %s: no CTA without onCta, a button calling onCta with it',
    async (url) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {})
      const prompt = makePrompt({ cta: { label: 'Upgrade to Pro', url } })
      const nudge = createFakeNudge({ prompts: { banner: prompt } })
      const { container, unmount } = renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
      expect(container.querySelector('[href]')).toBeNull()
      expect(screen.queryByRole('button', { name: 'Upgrade to Pro' })).toBeNull()
      expect(console.warn).toHaveBeenCalledWith(expect.stringContaining(`its cta.url is unsafe (${url}) and no onCta is set`))
      unmount()
      const onCta = vi.fn()
      renderInRoot(<NudgeHost nudge={nudge} placement="banner" />, { onCta })
      expect(screen.queryByRole('link')).toBeNull()
      await userEvent.click(screen.getByRole('button', { name: 'Upgrade to Pro' }))
      expect(nudge.called('click')).toEqual([[prompt]])
      expect(onCta).toHaveBeenCalledWith(prompt)
      expect(window.location.href).toBe('http://localhost:3000/')
      vi.mocked(console.warn).mockRestore()
    },
  )

  it('renders markup in copy as inert text', () => {
    const xss = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
    const nudge = createFakeNudge({ prompts: { banner: makePrompt({ title: xss, body: xss, cta: { label: xss, url: '/billing' } }) } })
    const { container } = renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(container.querySelector('img, script')).toBeNull()
    expect(screen.getByRole('region', { name: xss })).toBeTruthy()
    expect(screen.getByRole('link', { name: xss })).toBeTruthy()
    expect((window as { pwned?: number }).pwned).toBeUndefined()
  })
})

describe('NudgeHost audiences', () => {
  it('gives an admin the upgrade CTA', () => {
    const nudge = createFakeNudge({ prompts: { banner: makePrompt() } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(screen.getByRole('link', { name: 'Upgrade to Pro' })).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Ask your admin' })).toBeNull()
  })

  it('gives a member "Ask your admin", records the request and confirms it politely', async () => {
    const prompt = makePrompt({ audience: 'non_buyer', cta: { label: 'Ask your admin' } })
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(screen.queryByRole('link')).toBeNull()
    const status = screen.getByRole('status')
    expect(status.textContent).toBe('')
    await userEvent.click(screen.getByRole('button', { name: 'Ask your admin' }))
    expect(nudge.called('requestUpgrade')).toEqual([[prompt]])
    expect(nudge.called('click')).toEqual([])
    expect(screen.queryByRole('button', { name: 'Ask your admin' })).toBeNull()
    expect(status.textContent).toBe('Request sent to your admin')
    expect(document.activeElement).toBe(status)
  })
})

describe('NudgeHost impressions', () => {
  it('records one impression per showing, not per copy update', () => {
    const prompt = makePrompt()
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(nudge.called('impression')).toHaveLength(1)
    act(() => nudge.show('banner', { ...prompt, title: "You've used 850 of 1,000 contacts" }))
    expect(screen.getByRole('region', { name: "You've used 850 of 1,000 contacts" })).toBeTruthy()
    expect(nudge.called('impression')).toHaveLength(1)
    act(() => nudge.show('banner', makePrompt({ key: 'seats-100:default', trigger: 'seats-100', title: 'Seats full' })))
    expect(nudge.called('impression')).toHaveLength(2)
  })

  it('counts a prompt that goes away and comes back as a new showing', () => {
    const prompt = makePrompt()
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    act(() => nudge.show('banner', undefined))
    act(() => nudge.show('banner', prompt))
    expect(nudge.called('impression')).toEqual([[prompt], [prompt]])
  })

  it('waits until half the prompt is visible where IntersectionObserver exists', () => {
    const io = fakeIntersectionObserver()
    vi.stubGlobal('IntersectionObserver', io.Observer)
    const nudge = createFakeNudge({ prompts: { banner: makePrompt() } })
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    expect(nudge.called('impression')).toEqual([])
    io.reveal(0.3)
    expect(nudge.called('impression')).toEqual([])
    io.reveal(0.5)
    io.reveal()
    expect(nudge.called('impression')).toHaveLength(1)
  })
})

describe('NudgeHost toast', () => {
  it('keeps a polite live region in place and shows the toast inside it', () => {
    const nudge = createFakeNudge()
    renderInRoot(<NudgeHost nudge={nudge} placement="toast" />)
    const live = screen.getByRole('status')
    expect(live.getAttribute('aria-live')).toBe('polite')
    expect(live.textContent).toBe('')
    act(() => nudge.show('toast', makePrompt({ placement: 'toast', title: 'Teams like yours add Analytics', body: undefined })))
    expect(live.textContent).toContain('Teams like yours add Analytics')
    expect(nudge.called('impression')).toHaveLength(1)
  })
})
