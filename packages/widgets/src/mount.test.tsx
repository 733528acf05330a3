// mount, mountGate and mountMeter: shadow roots, both stylesheet paths, theme/onCta/locale/threshold pass-through,
// pending gates, and a WidgetError for every mistake.
import { act, within } from '@testing-library/preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import { mount, mountGate, mountMeter } from './mount.tsx'
import { css } from './styles.ts'
import { createFakeNudge, makePrompt } from '../test/fake-nudge.ts'
import '../test/helpers.tsx'

const unmounts: Array<() => void> = []
afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount()
  document.body.replaceChildren()
})

function shadowOf(host: Element | null | undefined): ShadowRoot {
  if (!host?.shadowRoot) throw new Error('expected a shadow root')
  return host.shadowRoot
}

const inShadow = (root: ShadowRoot) => within(root as unknown as HTMLElement)

describe('mount', () => {
  it('renders every placement into a shadow root at the start of the body', () => {
    const nudge = createFakeNudge({
      prompts: {
        banner: makePrompt({ title: 'Banner title' }),
        toast: makePrompt({ key: 't:default', placement: 'toast', title: 'Toast title' }),
      },
    })
    document.body.innerHTML = '<header>Host app</header>'
    act(() => {
      unmounts.push(mount(nudge))
    })
    const host = document.body.firstElementChild
    expect(host?.hasAttribute('data-nudgekit')).toBe(true)
    const root = shadowOf(host)
    expect(inShadow(root).getByText('Banner title')).toBeTruthy()
    expect(inShadow(root).getByText('Toast title')).toBeTruthy()
    act(() => nudge.show('modal', makePrompt({ key: 'm:default', placement: 'modal', title: 'Modal title' })))
    expect(root.querySelector('[role=dialog]')?.textContent).toContain('Modal title')
    expect(document.body.textContent).toBe('Host app')
  })

  it('goes first in the given target and removes everything on unmount', () => {
    const target = document.createElement('div')
    target.innerHTML = '<main>App</main>'
    document.body.append(target)
    const unmount = mount(createFakeNudge({ prompts: { banner: makePrompt() } }), { target })
    expect(target.firstElementChild?.hasAttribute('data-nudgekit')).toBe(true)
    unmount()
    expect(target.innerHTML).toBe('<main>App</main>')
  })

  it('applies the theme and passes onCta through', () => {
    const onCta = vi.fn()
    const prompt = makePrompt()
    const nudge = createFakeNudge({ prompts: { banner: prompt } })
    unmounts.push(mount(nudge, { theme: 'dark', onCta }))
    const root = shadowOf(document.querySelector('[data-nudgekit]'))
    expect(root.querySelector('.nk')?.getAttribute('data-theme')).toBe('dark')
    ;(root.querySelector('a.nk-btn') as HTMLAnchorElement).click()
    expect(onCta).toHaveBeenCalledWith(prompt)
  })

  it('warns once in development about a theme it does not know, and shows the light theme', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      unmounts.push(mount(createFakeNudge({ prompts: { banner: makePrompt() } }), { theme: 'blue' as 'dark' }))
      unmounts.push(mount(createFakeNudge(), { theme: 'blue' as 'dark' }))
      expect(warn).toHaveBeenCalledTimes(1)
      expect(warn.mock.calls[0]![0]).toContain(`options.theme "blue" is not 'light', 'dark' or 'system', so the light theme shows`)
    } finally {
      warn.mockRestore()
    }
  })

  it('adopts one constructable stylesheet and adds no <style> element', () => {
    unmounts.push(mount(createFakeNudge()), mount(createFakeNudge()))
    const [first, second] = [...document.querySelectorAll('[data-nudgekit]')].map(shadowOf)
    expect(first?.adoptedStyleSheets).toHaveLength(1)
    expect(first?.adoptedStyleSheets[0]).toBe(second?.adoptedStyleSheets[0])
    expect(first?.querySelector('style')).toBeNull()
  })

  it('falls back to a <style> with the nonce where constructable stylesheets are unsupported', () => {
    vi.stubGlobal('CSSStyleSheet', undefined)
    unmounts.push(mount(createFakeNudge(), { nonce: 'r4nd0m' }))
    const root = shadowOf(document.querySelector('[data-nudgekit]'))
    const style = root.querySelector('style')
    expect(style?.nonce).toBe('r4nd0m')
    expect(style?.textContent).toBe(css)
    expect(root.adoptedStyleSheets).toHaveLength(0)
  })

  it('never writes a style attribute or inline handler into the markup', () => {
    const nudge = createFakeNudge({ prompts: { banner: makePrompt(), toast: makePrompt({ key: 't:default', placement: 'toast' }) } })
    unmounts.push(mount(nudge))
    const root = shadowOf(document.querySelector('[data-nudgekit]'))
    const attributes = [...root.querySelectorAll('*')].flatMap((element) => element.getAttributeNames())
    expect(attributes.filter((name) => name === 'style' || name.startsWith('on'))).toEqual([])
  })

  it('rejects something that is not a nudgekit client with a structured error', () => {
    expect(() => mount({} as never)).toThrowError(
      expect.objectContaining({
        name: 'WidgetError',
        code: 'invalid_nudge',
        path: 'nudge',
        message: '[nudgekit] Failed to mount the widgets: the nudge argument is not a nudgekit client. Pass the object createNudge() returned.',
      }),
    )
  })

  it('rejects a target that is not an element', () => {
    expect(() => mount(createFakeNudge(), { target: '#app' as never })).toThrowError(expect.objectContaining({ code: 'invalid_target' }))
  })
})

describe('mistakes in the mount functions', () => {
  const element = () => document.body.appendChild(document.createElement('div'))
  // Each would otherwise end in a TypeError ("Cannot read properties of undefined") from inside the mount.
  it.each([
    ['mount(nudge, null)', () => mount(createFakeNudge(), null as never), 'invalid_options', 'options'],
    ['mount(nudge, { target: null })', () => mount(createFakeNudge(), { target: null as never }), 'invalid_target', 'options.target'],
    ['mountGate(undefined, …)', () => mountGate(undefined as never, createFakeNudge(), 'segmentation'), 'invalid_element', 'element'],
    ['mountGate(element, nudge, feature, null)', () => mountGate(element(), createFakeNudge(), 'segmentation', null as never), 'invalid_options', 'options'],
    ['mountMeter(undefined, …)', () => mountMeter(undefined as never, createFakeNudge(), 'contacts'), 'invalid_element', 'element'],
    ['mountMeter(element, nudge, metric, "dark")', () => mountMeter(element(), createFakeNudge(), 'contacts', 'dark' as never), 'invalid_options', 'options'],
    ['mountMeter(element, nudge)', () => mountMeter(element(), createFakeNudge(), undefined as never), 'invalid_metric', 'metric'],
  ])('%s throws a WidgetError with code, path and hint', (_, call, code, path) => {
    let error: unknown
    try {
      call()
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'WidgetError', code, path, hint: expect.stringMatching(/^Pass /) })
    expect(String(error)).toMatch(/^WidgetError: \[nudgekit\] Failed to mount the (widgets|feature gate|usage meter): /)
    expect(document.querySelector('[data-nudgekit]')).toBeNull()
  })

  it('says so when called where there is no DOM (during server-side rendering)', () => {
    vi.stubGlobal('document', undefined)
    try {
      expect(() => mount(createFakeNudge())).toThrowError(
        expect.objectContaining({
          name: 'WidgetError',
          code: 'no_dom',
          message: expect.stringContaining('Failed to mount the widgets: there is no DOM here. Call it in the browser'),
        }),
      )
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('mountGate', () => {
  function gated() {
    const element = document.createElement('div')
    element.innerHTML = '<button type="button">New segment</button>'
    document.body.append(element)
    return element
  }
  const prompt = makePrompt({ key: 'g:default', placement: 'inline', feature: 'segmentation', title: 'Segmentation is on Pro' })
  // Until the rules are loaded a gate is pending, whatever gate() answers.
  const rules = { features: {}, metrics: {} } as unknown as CompiledRules

  it('shows the element’s own content through a slot when the feature is allowed', () => {
    const element = gated()
    unmounts.push(mountGate(element, createFakeNudge({ rules }), 'segmentation'))
    const root = shadowOf(element)
    expect(root.querySelector('slot:not([name])')?.parentNode).toBe(root.querySelector('.nk'))
    expect(root.querySelector('.nk-gate')).toBeNull()
  })

  it('replaces the content with the locked card when the feature is not allowed', () => {
    const element = gated()
    const nudge = createFakeNudge({ gates: { segmentation: { allowed: false, prompt } }, rules })
    unmounts.push(mountGate(element, nudge, 'segmentation'))
    const root = shadowOf(element)
    expect(root.querySelector('slot')).toBeNull()
    expect(inShadow(root).getByText('Segmentation is on Pro')).toBeTruthy()
    expect(nudge.called('gate')).toEqual([['segmentation']])
  })

  it('shows the content again after unmount and can mount again on the same element', () => {
    const element = gated()
    const nudge = createFakeNudge({ gates: { segmentation: { allowed: false, prompt } }, rules })
    mountGate(element, nudge, 'segmentation')()
    const root = shadowOf(element)
    expect(root.querySelector('.nk-gate')).toBeNull()
    expect(root.querySelector('slot')).toBeTruthy()
    unmounts.push(mountGate(element, nudge, 'segmentation'))
    expect(root.querySelectorAll('.nk-gate')).toHaveLength(1)
  })

  it('replaces a gate mounted again on the same element; the stale unmount then does nothing', () => {
    const element = gated()
    const nudge = createFakeNudge({ gates: { segmentation: { allowed: false, prompt } }, rules })
    const first = mountGate(element, nudge, 'segmentation')
    unmounts.push(mountGate(element, nudge, 'segmentation'))
    const root = shadowOf(element)
    expect(root.querySelectorAll('.nk-gate')).toHaveLength(1)
    first()
    expect(root.querySelectorAll('.nk-gate')).toHaveLength(1)
    expect(root.querySelector('slot')).toBeNull()
  })

  it('refuses an element whose shadow root belongs to someone else', () => {
    const element = gated()
    element.attachShadow({ mode: 'open' })
    expect(() => mountGate(element, createFakeNudge(), 'segmentation')).toThrowError(
      expect.objectContaining({ code: 'shadow_root_taken', path: 'element' }),
    )
  })

  it('refuses an element that cannot hold a shadow root', () => {
    const element = document.createElement('button')
    expect(() => mountGate(element, createFakeNudge(), 'segmentation')).toThrowError(
      expect.objectContaining({ code: 'invalid_element', message: expect.stringContaining('a <button> cannot hold a shadow root') }),
    )
  })

  it('shows children with slot="pending" instead of the content until the rules are loaded', () => {
    const element = gated()
    element.insertAdjacentHTML('beforeend', '<span slot="pending">Checking your plan…</span>')
    const nudge = createFakeNudge({ gates: { segmentation: { allowed: false, prompt } } })
    act(() => {
      unmounts.push(mountGate(element, nudge, 'segmentation'))
    })
    const root = shadowOf(element)
    const pending = root.querySelector<HTMLSlotElement>('slot[name=pending]')
    expect(pending?.assignedNodes().map((node) => node.textContent)).toEqual(['Checking your plan…'])
    // Without pending children the named slot's fallback, the default slot, shows the content.
    expect(pending?.querySelector('slot:not([name])')).toBeTruthy()
    expect(root.querySelector('.nk-gate')).toBeNull()
    act(() => nudge.$rules.set(rules))
    expect(root.querySelector('slot')).toBeNull()
    expect(inShadow(root).getByText('Segmentation is on Pro')).toBeTruthy()
  })

  it('requires a feature id', () => {
    expect(() => mountGate(gated(), createFakeNudge(), '')).toThrowError(expect.objectContaining({ code: 'invalid_feature', path: 'feature' }))
  })
})

describe('mountMeter', () => {
  it('appends a meter in a shadow root with the given locale, and removes it on unmount', () => {
    const element = document.createElement('div')
    element.textContent = 'Usage'
    document.body.append(element)
    const nudge = createFakeNudge({ usage: { contacts: { metric: 'contacts', label: 'Contacts', used: 8120, limit: 10000, percent: 81.2 } } })
    const unmount = mountMeter(element, nudge, 'contacts', { locale: 'de-DE' })
    const root = shadowOf(element.querySelector('[data-nudgekit]'))
    expect(root.querySelector('[role=progressbar]')?.getAttribute('aria-valuetext')).toBe('8.120 of 10.000, Nearly at the limit')
    unmount()
    expect(element.innerHTML).toBe('Usage')
  })

  it('passes the warnAt and criticalAt thresholds to the meter', () => {
    const element = document.body.appendChild(document.createElement('div'))
    const nudge = createFakeNudge({ usage: { contacts: { metric: 'contacts', label: 'Contacts', used: 850, limit: 1000, percent: 85 } } })
    act(() => {
      unmounts.push(mountMeter(element, nudge, 'contacts', { warnAt: 90, criticalAt: 95 }))
    })
    const root = shadowOf(element.querySelector('[data-nudgekit]'))
    expect(root.querySelector('.nk-meter')?.className).toBe('nk-meter')
    act(() => nudge.$usage.set({ contacts: { metric: 'contacts', label: 'Contacts', used: 960, limit: 1000, percent: 96 } }))
    expect(root.querySelector('.nk-meter')?.className).toBe('nk-meter nk-critical')
  })

  it('rejects a missing element', () => {
    expect(() => mountMeter(null as never, createFakeNudge(), 'contacts')).toThrowError(expect.objectContaining({ code: 'invalid_element' }))
  })
})
