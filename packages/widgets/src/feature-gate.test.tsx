// FeatureGate as a user meets it: the feature when allowed, the locked card with its prompt when not, one gate check per mount.
import { act, screen } from '@testing-library/preact'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { FeatureGate } from './feature-gate.tsx'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import { renderInRoot } from '../test/helpers.tsx'

const gatePrompt = makePrompt({
  key: 'segmentation-gate:default',
  trigger: 'segmentation-gate',
  placement: 'inline',
  feature: 'segmentation',
  title: 'Segmentation is on Pro',
  body: 'Build segments from any trait.',
  cta: { label: 'Upgrade to Pro', url: '/billing/upgrade?plan=pro' },
})
const locked = { allowed: false, requiredPlan: 'pro' }

describe('FeatureGate', () => {
  it('renders the feature when gate() allows it: the plan includes it, or the rules are not loaded yet', () => {
    const nudge = createFakeNudge()
    renderInRoot(
      <FeatureGate nudge={nudge} feature="segmentation">
        <button type="button">New segment</button>
      </FeatureGate>,
    )
    expect(screen.getByRole('button', { name: 'New segment' })).toBeTruthy()
  })

  it('checks the gate once per mount, not on every render', () => {
    const nudge = createFakeNudge({ gates: { segmentation: locked } })
    const { rerender } = renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />)
    act(() => nudge.show('banner', makePrompt()))
    rerender(<FeatureGate nudge={nudge} feature="segmentation" />)
    expect(nudge.called('gate')).toEqual([['segmentation']])
  })

  it('checks again when the feature changes', () => {
    const nudge = createFakeNudge({ gates: { segmentation: locked } })
    const { rerender } = renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />)
    rerender(<FeatureGate nudge={nudge} feature="dashboards" />)
    expect(nudge.called('gate')).toEqual([['segmentation'], ['dashboards']])
  })

  it('shows a locked card with the gate prompt instead of the feature', () => {
    const nudge = createFakeNudge({ gates: { segmentation: { ...locked, prompt: gatePrompt } } })
    renderInRoot(
      <FeatureGate nudge={nudge} feature="segmentation">
        <button type="button">New segment</button>
      </FeatureGate>,
    )
    expect(screen.queryByRole('button', { name: 'New segment' })).toBeNull()
    const card = screen.getByRole('group', { name: 'Segmentation is on Pro' })
    expect(card.textContent).toContain('Build segments from any trait.')
    expect(screen.queryByRole('button', { name: 'Remind me later' })).toBeNull()
    expect(nudge.called('impression')).toEqual([[gatePrompt]])
    expect(screen.getByRole('link', { name: 'Upgrade to Pro' }).getAttribute('href')).toBe('/billing/upgrade?plan=pro')
  })

  it('picks up the inline prompt the SDK selects after the gate hit', () => {
    const nudge = createFakeNudge({ gates: { segmentation: locked } })
    renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />)
    act(() => nudge.$prompts.set({ inline: { segmentation: gatePrompt } }))
    expect(screen.getByRole('group', { name: 'Segmentation is on Pro' })).toBeTruthy()
  })

  it('gives a member the request flow on the locked card', async () => {
    const prompt = { ...gatePrompt, audience: 'non_buyer' as const, cta: { label: 'Ask your admin' } }
    const nudge = createFakeNudge({ gates: { segmentation: { ...locked, prompt } } })
    renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />)
    await userEvent.click(screen.getByRole('button', { name: 'Ask your admin' }))
    expect(nudge.called('requestUpgrade')).toEqual([[prompt]])
    expect(screen.getByRole('status').textContent).toBe('Request sent to your admin')
  })

  it('names the locked feature from the rules when no prompt is due', () => {
    const rules = { features: { segmentation: { label: 'Advanced segmentation' } } } as unknown as CompiledRules
    const nudge = createFakeNudge({ gates: { segmentation: locked }, rules })
    renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" />)
    expect(screen.getByText('Advanced segmentation is not included in your plan')).toBeTruthy()
  })

  it('shows `pending` instead of the children until the rules are loaded, then the gate\'s answer', () => {
    const nudge = createFakeNudge({ gates: { segmentation: { ...locked, prompt: gatePrompt } } })
    renderInRoot(
      <FeatureGate nudge={nudge} feature="segmentation" pending={<p>Checking your plan…</p>}>
        <button type="button">New segment</button>
      </FeatureGate>,
    )
    expect(screen.getByText('Checking your plan…')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'New segment' })).toBeNull()
    act(() => nudge.$rules.set({ features: {} } as unknown as CompiledRules))
    expect(screen.queryByText('Checking your plan…')).toBeNull()
    expect(screen.getByRole('group', { name: 'Segmentation is on Pro' })).toBeTruthy()
  })

  it('shows the host fallback when locked and no prompt is due', () => {
    const nudge = createFakeNudge({ gates: { segmentation: locked } })
    renderInRoot(<FeatureGate nudge={nudge} feature="segmentation" fallback={<p>Ask sales about segments</p>} />)
    expect(screen.getByText('Ask sales about segments')).toBeTruthy()
  })
})
