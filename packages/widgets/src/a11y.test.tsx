// axe-core on every prompt kind in light and dark theme: no serious or critical violations (contrast: browser check).
import { act, screen } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { FeatureGate } from './feature-gate.tsx'
import { NudgeHost } from './nudge-host.tsx'
import { UsageMeter } from './usage-meter.tsx'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import { renderInRoot, seriousViolations } from '../test/helpers.tsx'

const themes = ['light', 'dark'] as const

describe.each(themes)('axe finds no serious or critical violations (%s theme)', (theme) => {
  it.each(['banner', 'modal', 'toast'] as const)('on the %s prompt', async (placement) => {
    const nudge = createFakeNudge({ prompts: { [placement]: makePrompt({ placement, dismissLabel: 'Not now' }) } })
    const { container } = renderInRoot(<NudgeHost nudge={nudge} placement={placement} />, { theme })
    expect(await seriousViolations(container)).toEqual([])
  })

  it('on the member prompt after the request was sent', async () => {
    const prompt = makePrompt({ audience: 'non_buyer', cta: { label: 'Ask your admin' } })
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    const { container } = renderInRoot(<NudgeHost nudge={nudge} placement="banner" />, { theme })
    await userEvent.click(screen.getByRole('button', { name: 'Ask your admin' }))
    expect(await seriousViolations(container)).toEqual([])
  })

  it('on the locked-feature card', async () => {
    const prompt = makePrompt({ placement: 'inline', feature: 'segmentation', title: 'Segmentation is on Pro' })
    const nudge = createFakeNudge({ gates: { segmentation: { allowed: false, prompt } } })
    const { container } = renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />, { theme })
    expect(await seriousViolations(container)).toEqual([])
  })

  it('on the usage meter at each level', async () => {
    const view = (used: number) => ({ metric: 'contacts', label: 'Contacts', used, limit: 1000, percent: used / 10 })
    const nudge = createFakeNudge({ usage: { contacts: view(300) } })
    const { container } = renderInRoot(<UsageMeter nudge={nudge} metric="contacts" />, { theme })
    for (const used of [300, 850, 1200]) {
      act(() => nudge.$usage.set({ contacts: view(used) }))
      expect(await seriousViolations(container)).toEqual([])
    }
  })
})

describe('the axe check itself', () => {
  it('reports a button without an accessible name, so the checks above are not vacuous', async () => {
    const { container } = renderInRoot(<button type="button" />)
    expect(await seriousViolations(container)).toEqual(['button-name'])
  })
})
