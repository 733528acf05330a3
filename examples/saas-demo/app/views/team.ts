// Team page: inviting a member raises the seat count the host reports with setUsage (seat-cap toast).
import { mountMeter } from '@nudgekit/widgets'
import { h } from '../dom.ts'
import type { View, ViewFactory } from './view.ts'

const invitees = ['Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia']

export const teamView: ViewFactory = (context): View => {
  const { nudge } = context
  const meter = h('div', { class: 'meter-slot' })
  const unmountMeter = mountMeter(meter, nudge, 'seats')
  const members = h('ul', { class: 'list', 'data-testid': 'members' })
  const status = h('p', { class: 'muted', role: 'status' })
  const invite = h('button', { type: 'button', class: 'btn', onclick: () => void addSeat() }, 'Invite member')

  const limit = (): number | null => nudge.$usage.get().seats?.limit ?? null

  async function addSeat() {
    const cap = limit()
    const { seats } = context.account()
    if (cap === null || seats < cap) await context.update({ seats: seats + 1 })
    else status.textContent = 'Every seat on your plan is taken. Upgrade to invite more people.'
  }

  function refresh() {
    const account = context.account()
    const cap = limit()
    if (cap === null || account.seats < cap) status.textContent = ''
    members.replaceChildren(
      h('li', {}, h('strong', {}, 'Alice'), h('span', { class: 'muted' }, ' owner · admin')),
      ...invitees.slice(0, Math.max(0, account.seats - 1)).map((name) => h('li', {}, h('strong', {}, name), h('span', { class: 'muted' }, ' member'))),
    )
  }

  const stopAccount = context.onChange(refresh)
  const stopUsage = nudge.$usage.listen(refresh)
  refresh()

  return {
    element: h(
      'section',
      { 'aria-labelledby': 'team-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'team-title' }, 'Team'), h('div', { class: 'actions' }, invite)),
      meter,
      status,
      members,
    ),
    destroy() {
      stopAccount()
      stopUsage()
      unmountMeter()
    },
  }
}
