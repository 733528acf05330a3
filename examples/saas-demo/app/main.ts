// Acme CRM's browser entry: loads the host's account, starts nudgekit, mounts the prompts, routes between pages.
import { mount } from '@nudgekit/widgets'
import { loadState } from './api.ts'
import { createContext, startNudge } from './context.ts'
import { renderShell, routes, type Route } from './shell.ts'
import { h } from './dom.ts'
import type { View, ViewFactory } from './views/view.ts'
import { contactsView } from './views/contacts.ts'
import { segmentationView } from './views/segments.ts'
import { teamView } from './views/team.ts'
import { reportsView } from './views/reports.ts'
import { settingsView } from './views/settings.ts'

const views: Record<Route, ViewFactory> = {
  contacts: contactsView,
  segments: segmentationView,
  team: teamView,
  reports: reportsView,
  settings: settingsView,
}

const state = await loadState()
const nudge = startNudge(state, { debug: new URLSearchParams(location.search).has('debug') })
const context = createContext(nudge, state)

const prompts = h('div', { id: 'nudgekit-prompts' })
const main = h('main', { id: 'main', tabindex: -1 })
const shell = renderShell(context)
const skip = h('a', { class: 'skip', href: '#main' }, 'Skip to content')
// The router owns the hash, so the skip link moves focus itself.
skip.addEventListener('click', (event) => {
  event.preventDefault()
  main.focus()
})
document.body.replaceChildren(skip, shell.header, prompts, main)
mount(nudge, { target: prompts, theme: 'system', locale: 'en-US' })

let current: View | undefined
function route() {
  const path = location.hash.replace(/^#\/?/, '')
  const next: Route = routes.find((candidate) => candidate.path === path)?.path ?? 'contacts'
  current?.destroy()
  current = views[next](context)
  main.replaceChildren(current.element)
  shell.select(next)
}
addEventListener('hashchange', route)
route()
