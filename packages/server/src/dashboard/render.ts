// The dashboard's pages as HTML documents, and the refusal of a page that rendered to nothing.
import type { VNode } from 'preact'
import { renderToString } from 'preact-render-to-string'

/**
 * A page rendered to nothing. It happened when two copies of Preact met (the installed preact-render-to-string
 * using a host app's Preact 11 on the dashboard's Preact 10 elements); the build now ships the dashboard's own
 * copy of both, so this error means a build or install went wrong, and the dashboard answers 500 instead of a
 * blank page.
 */
export class EmptyRenderError extends Error {
  override name = 'EmptyRenderError'
  readonly code = 'empty_render'
}

/**
 * The page as a document with its doctype; throws `EmptyRenderError` when Preact renders it to nothing.
 * @example renderDocument(h(Layout, { base, title }, h('main', null, '…'))) // '<!doctype html><html lang="en">…'
 */
export function renderDocument<P>(page: VNode<P>): string {
  const html = renderToString(page)
  if (!html.trim()) throw new EmptyRenderError('the page rendered to nothing, as when two copies of Preact meet')
  return '<!doctype html>' + html
}
