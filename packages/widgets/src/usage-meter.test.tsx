// UsageMeter: progressbar values and name, warning/critical levels in colour and words, locale, unlimited metrics.
import { act, screen } from '@testing-library/preact'
import { describe, expect, it, vi } from 'vitest'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { UsageView } from '@nudgekit/sdk'
import { UsageMeter } from './usage-meter.tsx'
import { createFakeNudge } from '../test/fake-nudge.ts'
import { renderInRoot } from '../test/helpers.tsx'

const contacts = (used: number, limit: number | null = 1000): UsageView => ({
  metric: 'contacts',
  label: 'Contacts',
  used,
  limit,
  percent: limit === null ? null : (used / limit) * 100,
})

describe('UsageMeter', () => {
  it('is a progressbar named by the metric, with value, range and a text label', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(512) } })
    renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    const bar = screen.getByRole('progressbar', { name: 'Contacts' })
    expect(bar.getAttribute('aria-valuenow')).toBe('512')
    expect(bar.getAttribute('aria-valuemin')).toBe('0')
    expect(bar.getAttribute('aria-valuemax')).toBe('1000')
    expect(bar.getAttribute('aria-valuetext')).toBe('512 of 1,000')
    expect(screen.getByText('512 of 1,000')).toBeTruthy()
    expect(bar.style.getPropertyValue('--nk-fill')).toBe('51.2%')
  })

  it('turns to the warning level at 80 % and says so in words', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(812) } })
    const { container } = renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    expect(container.querySelector('.nk-meter')?.classList.contains('nk-warn')).toBe(true)
    expect(screen.getByText('Nearly at the limit')).toBeTruthy()
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('812 of 1,000, Nearly at the limit')
  })

  it('turns critical at the limit and keeps aria-valuenow within range above it', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(1200) } })
    const { container } = renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    expect(container.querySelector('.nk-meter')?.classList.contains('nk-critical')).toBe(true)
    const bar = screen.getByRole('progressbar')
    expect(bar.getAttribute('aria-valuenow')).toBe('1000')
    expect(bar.getAttribute('aria-valuetext')).toBe('1,200 of 1,000, Limit reached')
    expect(bar.style.getPropertyValue('--nk-fill')).toBe('100%')
  })

  it('honours custom thresholds', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(850) } })
    const { container } = renderInRoot(<UsageMeter nudge={nudge} metric="contacts" warnAt={90} criticalAt={95} />)
    expect(container.querySelector('.nk-meter')?.className).toBe('nk-meter')
  })

  it('formats numbers in the configured locale', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(8120, 10000) } })
    renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />, { locale: 'de-DE' })
    expect(screen.getByText('8.120 of 10.000')).toBeTruthy()
  })

  it('falls back to the runtime locale when the configured one is invalid', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(8120, 10000) } })
    renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />, { locale: 'not a locale!' })
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('8,120 of 10,000, Nearly at the limit')
  })

  it('follows usage as it changes', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(100) } })
    renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    act(() => nudge.$usage.set({ contacts: contacts(990) }))
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('990')
  })

  it('shows the count without a bar when the plan has no limit', () => {
    const nudge = createFakeNudge({ usage: { contacts: contacts(4200, null) } })
    renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    expect(screen.getByText('4,200 used')).toBeTruthy()
    expect(screen.queryByRole('progressbar')).toBeNull()
  })

  it('renders nothing, quietly, for a metric without usage before the rules are loaded', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const nudge = createFakeNudge()
    const { container } = renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />)
    expect(container.querySelector('.nk')?.childElementCount).toBe(0)
    expect(warn).not.toHaveBeenCalled()
    warn.mockRestore()
  })

  it('warns once, naming the known metrics, when the metric is not in the rules', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const rules = { metrics: { contacts: { label: 'contacts' }, seats: { label: 'seats' } } } as unknown as CompiledRules
    const nudge = createFakeNudge({ usage: { contacts: contacts(10) }, rules })
    const { container, rerender } = renderInRoot(<UsageMeter nudge={nudge} metric="contact" />)
    act(() => nudge.$usage.set({ contacts: contacts(20) }))
    rerender(<UsageMeter nudge={nudge} metric="contact" />)
    expect(container.querySelector('.nk')?.childElementCount).toBe(0)
    expect(warn.mock.calls).toEqual([["[nudgekit] Failed to show the usage meter: metric 'contact' is not in the rules. Use one of: contacts, seats."]])
    warn.mockRestore()
  })
})
