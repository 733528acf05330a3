// The demo's own routes as one web-standard fetch handler: pages, bundles, the demo JSON API and the fake checkout.
import { readFile } from 'node:fs/promises'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { Bundles } from './bundles.ts'
import type { DemoState } from './demo-state.ts'
import { checkoutPage, completeCheckout, offerRequest, plansPage, priceOffer, receiptPage } from './checkout.ts'
import { appPage, notFoundPage, reactPage } from './pages.ts'

export interface DemoRoutesOptions {
  bundles: Bundles
  state: DemoState
  /** nudgekit's handler (paths without the `/nudgekit` mount prefix), for server-to-server calls. */
  nudgekit: (request: Request) => Promise<Response>
  keys: { publishable: string; secret: string }
}

/** Where the demo server mounts nudgekit's API and dashboard. */
export const NUDGEKIT_BASE = '/nudgekit'
const stylesheet = new URL('../app/styles.css', import.meta.url)

const html = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } })

/**
 * @example
 * const handle = demoRoutes({ bundles, state, nudgekit, keys })
 * await handle(new Request('http://localhost/api/state'))
 */
export function demoRoutes({ bundles, state, nudgekit, keys }: DemoRoutesOptions): (request: Request) => Promise<Response> {
  const callNudgekit = async (path: string, key: string, init: RequestInit = {}) => {
    const response = await nudgekit(
      new Request(`http://demo.internal${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
      }),
    )
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> }
  }

  const compiledRules = async (): Promise<CompiledRules> => {
    const answer = await callNudgekit('/v1/rules', keys.publishable)
    if (answer.status !== 200) throw new Error(`[acme] Failed to load the rules from nudgekit: HTTP ${answer.status}.`)
    return answer.body as unknown as CompiledRules
  }

  const stateBody = (request: Request) => ({
    account: state.get(),
    nudgekit: {
      endpoint: new URL(NUDGEKIT_BASE, request.url).href,
      publishableKey: keys.publishable,
      dashboard: `${NUDGEKIT_BASE}/dashboard`,
    },
  })

  return async (request) => {
    const url = new URL(request.url)
    const { pathname } = url
    const method = request.method

    if (method === 'GET' && (pathname === '/' || pathname === '/index.html')) return html(appPage())
    // Pages without an icon link (the dashboard) make browsers ask for one.
    if (method === 'GET' && pathname === '/favicon.ico') return new Response(null, { status: 204 })
    if (method === 'GET' && pathname === '/react') return Response.redirect(new URL('/react/', url), 308)
    if (method === 'GET' && pathname === '/react/') return html(reactPage())
    if (method === 'GET' && pathname === '/assets/app.css') {
      return new Response(await readFile(stylesheet, 'utf8'), { headers: { 'content-type': 'text/css; charset=utf-8' } })
    }
    const bundle = method === 'GET' ? bundles.get(pathname) : undefined
    if (bundle !== undefined) return new Response(bundle, { headers: { 'content-type': 'text/javascript; charset=utf-8' } })

    if (pathname === '/api/state' && method === 'GET') return json(stateBody(request))
    if (pathname === '/api/state' && method === 'PATCH') {
      const body = await request.json().catch(() => undefined)
      const result = state.patch(body)
      return 'error' in result ? json({ error: `Failed to update the demo account: ${result.error}.` }, 400) : json(stateBody(request))
    }
    if (pathname === '/api/reset' && method === 'POST') {
      state.reset()
      return json(stateBody(request))
    }

    const isCheckoutPage = pathname === '/billing/upgrade' || pathname === '/billing/cycle' || pathname.startsWith('/billing/addons/')
    if (isCheckoutPage && method === 'GET') {
      const wanted = offerRequest(url, state.get())
      const offer = 'error' in wanted ? wanted : priceOffer(await compiledRules(), state.get(), wanted)
      return html(checkoutPage(offer, state.get()), 'error' in offer ? 400 : 200)
    }
    if (pathname === '/billing/plans' && method === 'GET') return html(plansPage(await compiledRules(), state.get()))
    if (pathname === '/billing/checkout' && method === 'POST') {
      const wanted = offerRequest(url, state.get(), new URLSearchParams(await request.text()))
      const offer = 'error' in wanted ? wanted : priceOffer(await compiledRules(), state.get(), wanted)
      if ('error' in offer) return html(checkoutPage(offer, state.get()), 400)
      const done = await completeCheckout(offer, state, (body) =>
        callNudgekit('/v1/conversions', keys.secret, { method: 'POST', body: JSON.stringify(body) }),
      )
      if ('error' in done) return html(checkoutPage(done, state.get()), 502)
      return Response.redirect(new URL('/billing/done', url), 303)
    }
    if (pathname === '/billing/done' && method === 'GET') return html(receiptPage(state.get()))

    return html(notFoundPage(), 404)
  }
}
