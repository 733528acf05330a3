import { h } from 'preact'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createDashboard } from './app.ts'
import { EmptyRenderError, renderDocument } from './render.ts'

// Two copies of Preact cannot meet in this workspace: an empty render stands in for what they did.
const render = vi.hoisted(() => ({ empty: false }))
vi.mock('preact-render-to-string', async (original) => {
  const actual = await original<typeof import('preact-render-to-string')>()
  return { ...actual, renderToString: (...args: Parameters<typeof actual.renderToString>) => (render.empty ? '' : actual.renderToString(...args)) }
})

afterEach(() => {
  render.empty = false
})

describe('renderDocument', () => {
  it('writes the doctype before the page', () => {
    expect(renderDocument(h('main', null, 'Sign in'))).toBe('<!doctype html><main>Sign in</main>')
  })

  it('refuses a page that renders to nothing', () => {
    expect(() => renderDocument(h(() => null, null))).toThrow(EmptyRenderError)
    expect(() => renderDocument(h(() => null, null))).toThrow('the page rendered to nothing, as when two copies of Preact meet')
  })
})

describe('the dashboard, when a page renders to nothing', () => {
  it('answers 500 with the reason instead of a blank page, and logs an error', async () => {
    const logger = { error: vi.fn() }
    const dashboard = createDashboard({
      store: { aggregates: async () => [], daily: async () => [] },
      secretKey: 'sk_test_0123456789abcdef',
      getRules: () => ({ triggers: [], defaults: { currency: 'USD', buyerRoles: [], nonBuyer: { cta: { label: 'Ask' } } }, attribution: { windowMs: 86_400_000 } }),
      logger,
    })
    render.empty = true
    const response = await dashboard.request('http://localhost/')
    expect(response.status).toBe(500)
    expect(await response.text()).toMatch(/^\[nudgekit\] Failed to show the dashboard: the page rendered to nothing, as when two copies of Preact meet\. Reinstall @nudgekit\/server/)
    expect(response.headers.get('Content-Security-Policy')).toMatch(/^default-src 'self'/)
    expect(logger.error).toHaveBeenCalledExactlyOnceWith('dashboard page rendered empty', expect.objectContaining({ code: 'empty_render', path: '/' }))
  })
})
