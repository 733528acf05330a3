// Shared test helpers: rendering under NudgeRoot, axe with jsdom's limits, a controllable IntersectionObserver.
import { cleanup, render } from '@testing-library/preact'
import axe from 'axe-core'
import type { ComponentChildren } from 'preact'
import { afterEach, vi } from 'vitest'
import { NudgeRoot, type NudgeRootProps } from '../src/root.tsx'

// Registered by every test file that imports these helpers (vitest globals are off, so no auto-cleanup).
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

/** Renders under a NudgeRoot; `rerender` keeps that root, so components stay mounted. */
export function renderInRoot(ui: ComponentChildren, props: Omit<NudgeRootProps, 'children'> = {}) {
  const result = render(<NudgeRoot {...props}>{ui}</NudgeRoot>)
  return { ...result, rerender: (next: ComponentChildren) => result.rerender(<NudgeRoot {...props}>{next}</NudgeRoot>) }
}

/** Ids of serious or critical axe violations. jsdom cannot compute colour contrast; the browser e2e suite does. */
export async function seriousViolations(node: Element): Promise<string[]> {
  const results = await axe.run(node, { rules: { 'color-contrast': { enabled: false } } })
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)
}

/** An IntersectionObserver whose `reveal(ratio)` reports every observed element as that share visible. */
export function fakeIntersectionObserver() {
  const observed = new Set<{ callback: IntersectionObserverCallback; elements: Element[] }>()
  class FakeObserver {
    entry: { callback: IntersectionObserverCallback; elements: Element[] }
    constructor(callback: IntersectionObserverCallback) {
      this.entry = { callback, elements: [] }
      observed.add(this.entry)
    }
    observe(element: Element) {
      this.entry.elements.push(element)
    }
    disconnect() {
      observed.delete(this.entry)
    }
  }
  return {
    Observer: FakeObserver as unknown as typeof IntersectionObserver,
    reveal(intersectionRatio = 1) {
      for (const { callback, elements } of [...observed]) {
        const entries = elements.map((target) => ({ target, isIntersecting: true, intersectionRatio }) as IntersectionObserverEntry)
        callback(entries, {} as IntersectionObserver)
      }
    },
  }
}
