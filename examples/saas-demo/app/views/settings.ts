// Account settings: dates for the renewal and account-age rules (setAccount), SSO behind a gate, API usage (increment).
import { mountGate, mountMeter } from '@nudgekit/widgets'
import { h, toDateInput } from '../dom.ts'
import type { View, ViewFactory } from './view.ts'

const DAY = 86_400_000

export const settingsView: ViewFactory = (context): View => {
  const renewal = h('input', { id: 'renews-at', type: 'date', 'data-testid': 'renews-at' })
  const age = h('input', { id: 'account-age', type: 'number', min: 0, max: 3650, step: 1, 'data-testid': 'account-age' })
  const plan = h('dd', { 'data-testid': 'plan' })
  const accountId = h('code', { 'data-testid': 'account-id' })
  const status = h('p', { class: 'muted', role: 'status' })
  const sso = h('div', {}, h('p', { class: 'card' }, 'Single sign-on is on: members sign in with your identity provider.'))
  const unmountSso = mountGate(sso, context.nudge, 'sso')
  const apiMeter = h('div', { class: 'meter-slot' })
  const unmountApiMeter = mountMeter(apiMeter, context.nudge, 'api_calls')
  const runImport = () => {
    context.nudge.increment('api_calls', 100)
    status.textContent = 'Imported 100 records through the API (100 API calls).'
  }

  const refresh = () => {
    const account = context.account()
    renewal.value = toDateInput(account.renewsAt)
    age.value = String(Math.round((Date.now() - account.createdAt) / DAY))
    plan.textContent = account.plan + (account.addons.length ? ` + ${account.addons.join(', ')}` : '')
    accountId.textContent = account.accountId
  }

  const save = async (patch: Parameters<typeof context.update>[0], message: string) => {
    await context.update(patch)
    status.textContent = message
  }

  renewal.addEventListener('change', () => {
    const renewsAt = Date.parse(`${renewal.value}T12:00:00Z`)
    if (Number.isFinite(renewsAt)) void save({ renewsAt }, `Renewal date set to ${renewal.value}.`)
  })
  age.addEventListener('change', () => {
    const days = Number(age.value)
    if (Number.isInteger(days) && days >= 0) void save({ createdAt: Date.now() - days * DAY }, `Account created ${days} days ago.`)
  })

  const stop = context.onChange(refresh)
  refresh()

  return {
    element: h(
      'section',
      { 'aria-labelledby': 'settings-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'settings-title' }, 'Account settings')),
      h('dl', { class: 'facts' }, h('dt', {}, 'Account'), h('dd', {}, accountId), h('dt', {}, 'Plan'), plan),
      h(
        'div',
        { class: 'card form' },
        h('label', { for: 'renews-at' }, 'Next renewal'),
        renewal,
        h('p', { class: 'hint' }, 'On a paid plan billed monthly, admins are offered annual billing within 30 days of renewal.'),
        h('label', { for: 'account-age' }, 'Account created (days ago)'),
        age,
        h('p', { class: 'hint' }, 'Value first: the contacts banner waits until the account is 7 days old, the Analytics offer 14 days.'),
      ),
      h('h2', {}, 'API usage this month'),
      apiMeter,
      h('button', { type: 'button', class: 'btn secondary', onclick: runImport }, 'Run an API import (100 calls)'),
      h('h2', {}, 'Single sign-on'),
      sso,
      status,
    ),
    destroy() {
      stop()
      unmountSso()
      unmountApiMeter()
    },
  }
}
