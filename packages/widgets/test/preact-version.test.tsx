// Which Preact the widget suites run on: each widgets project pins one (vitest.config.ts). A pin that did not
// take would test one Preact twice; a pin that took for some imports only would split Preact in two.
import * as preact from 'preact'
import { act, screen } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { NudgeHost } from '../src/nudge-host.tsx'
import { createFakeNudge, makePrompt } from './fake-nudge.ts'
import { renderInRoot } from './helpers.tsx'

describe('the Preact under test', () => {
  it('is the major version its project pins', () => {
    // Preact 11's core exports createPortal; 10 has it in preact/compat only.
    expect('createPortal' in preact ? 11 : 10).toBe(Number(process.env.NUDGEKIT_PREACT_MAJOR))
  })

  it('is one copy for this test, the components and @testing-library/preact', () => {
    // preact/hooks installs its handlers on the `options` of the Preact it imports: this one, if there is one.
    expect(typeof preact.options.unmount).toBe('function')
    const nudge = createFakeNudge()
    renderInRoot(<NudgeHost nudge={nudge} placement="banner" />)
    // Rendered by the library's Preact, with hooks state (useStore's subscription) from the components'.
    act(() => nudge.show('banner', makePrompt({ title: 'Pinned' })))
    expect(screen.getByText('Pinned')).toBeTruthy()
  })
})
