// The demo server's routes as one web-standard fetch handler: pages, bundles, the demo JSON API, checkout, nudgekit.
import { readFile } from 'node:fs/promises'
import type { CompiledRules } from '@nudgekit/rules/evaluator'
import type { Bundles } from './bundles.ts'
import type { DemoState } from './demo-state.ts'
import { checkoutPage, completeCheckout, findOffer, receiptPage } from './checkout.ts'
import { appPage, notFoundPage, reactPage } from './pages.ts'

export interface DemoRoutesOptions {
  bundles: Bundles
  state: DemoState
  /** nudgekit's handler, answering every path under `/nudgekit`. */
  nudgekit: (request: Request) => Promise<Response>
  keys: { publishable: string; secret: string }
}

const BASE = '/nudgekit'
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
      new Request(`http://demo.internal${BASE}${path}`, {
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
      endpoint: new URL(BASE, request.url).href,
      publishableKey: keys.publishable,
      dashboard: `${BASE}/dashboard`,
    },
  })

  return async (request) => {
    const url = new URL(request.url)
    const { pathname } = url
    const method = request.method

    if (pathname === BASE || pathname.startsWith(`${BASE}/`)) return nudgekit(request)

    if (method === 'GET' && (pathname === '/' || pathname === '/index.html')) return html(appPage())
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

    if (pathname === '/billing/upgrade' && method === 'GET') {
      return html(checkoutPage(findOffer(await compiledRules(), state.get(), url.searchParams), state.get()))
    }
    if (pathname === '/billing/upgrade' && method === 'POST') {
      const form = new URLSearchParams(await request.text())
      const offer = findOffer(await compiledRules(), state.get(), form)
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
