// The app frame: navigation, plan badge, role switch, reset, and links to the React host and the dashboard.
import { h } from './dom.ts'
import { resetDemo, type DemoAccount } from './api.ts'
import type { AppContext } from './context.ts'

export const routes = [
  { path: 'contacts', label: 'Contacts' },
  { path: 'segments', label: 'Segmentation' },
  { path: 'team', label: 'Team' },
  { path: 'reports', label: 'Reports' },
  { path: 'settings', label: 'Settings' },
] as const

export type Route = (typeof routes)[number]['path']

/** Builds the header and returns it with a function that marks the current page. */
export function renderShell(context: AppContext): { header: HTMLElement; select(route: Route): void } {
  const links = routes.map((route) => h('a', { href: `#/${route.path}` }, route.label))
  const plan = h('span', { class: 'badge', 'data-testid': 'plan-badge' })
  const role = h(
    'select',
    { id: 'role', 'data-testid': 'role' },
    h('option', { value: 'admin' }, 'Alice (admin)'),
    h('option', { value: 'member' }, 'Bob (member)'),
  )
  role.addEventListener('change', () => void context.update({ role: role.value === 'member' ? 'member' : 'admin' }))
  const reset = h('button', { type: 'button', class: 'btn secondary small', onclick: () => void startOver() }, 'Reset demo')

  async function startOver() {
    reset.disabled = true
    await context.nudge.flush()
    await resetDemo()
    location.hash = '#/contacts'
    location.reload()
  }

  const refresh = (account: DemoAccount) => {
    plan.textContent = `${account.plan[0]?.toUpperCase()}${account.plan.slice(1)} plan`
    role.value = account.role
  }
  context.onChange(refresh)
  refresh(context.account())

  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/contacts' }, h('span', { 'aria-hidden': 'true' }, '◆'), ' Acme CRM'),
    h('nav', { 'aria-label': 'Main' }, ...links),
    h(
      'div',
      { class: 'tools' },
      plan,
      h('label', { for: 'role', class: 'visually-hidden' }, 'Signed in as'),
      role,
      h('a', { href: '/react/' }, 'React host'),
      h('a', { href: context.links.dashboard, target: '_blank', rel: 'noopener' }, 'Dashboard'),
      reset,
    ),
  )
  return {
    header,
    select(route) {
      links.forEach((link, index) => {
        if (routes[index]?.path === route) link.setAttribute('aria-current', 'page')
        else link.removeAttribute('aria-current')
      })
    },
  }
}
