// Contacts page: the host app counts contacts and reports the number with setUsage (meter, 80 % banner, 100 % modal).
import { mountMeter } from '@nudgekit/widgets'
import { assignVariant } from '@nudgekit/rules/evaluator'
import { formatNumber, h } from '../dom.ts'
import type { View, ViewFactory } from './view.ts'

const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Frances', 'John']
const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Berners-Lee']
const companies = ['Initech', 'Globex', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell']

const contactAt = (index: number) => ({
  name: `${first[index % first.length]} ${last[(index * 7) % last.length]}`,
  company: companies[(index * 3) % companies.length],
  email: `contact${index + 1}@example.com`,
})

const SHOWN = 8

export const contactsView: ViewFactory = (context): View => {
  const { nudge } = context
  const meter = h('div', { class: 'meter-slot' })
  const unmountMeter = mountMeter(meter, nudge, 'contacts')
  const summary = h('p', { class: 'muted', 'data-testid': 'contacts-count' })
  const rows = h('tbody')
  const holdout = h('p', { class: 'note', hidden: true })
  const addOne = h('button', { type: 'button', class: 'btn', onclick: () => add(1) }, 'Add contact')
  const addTen = h('button', { type: 'button', class: 'btn secondary', onclick: () => add(10) }, 'Add 10 contacts')
  const limitNote = h('p', { class: 'muted', role: 'status' })

  const limit = (): number | null => nudge.$usage.get().contacts?.limit ?? null

  // At the limit the buttons stay enabled (a disabled button would drop keyboard focus): the note explains.
  async function add(count: number) {
    const cap = limit()
    const current = context.account().contacts
    const next = cap === null ? current + count : Math.min(current + count, cap)
    if (next !== current) await context.update({ contacts: next })
    else limitNote.textContent = `Your plan holds ${formatNumber(current)} contacts. Upgrade to add more.`
  }

  function refresh() {
    const { contacts } = context.account()
    const cap = limit()
    summary.textContent = `${formatNumber(contacts)} contacts`
    if (cap === null || contacts < cap) limitNote.textContent = ''
    rows.replaceChildren(
      ...Array.from({ length: Math.min(contacts, SHOWN) }, (_, offset) => {
        const contact = contactAt(contacts - 1 - offset)
        return h('tr', {}, h('td', {}, contact.name), h('td', {}, contact.company ?? ''), h('td', {}, contact.email))
      }),
    )
    const rules = nudge.$rules.get()
    const banner = rules?.triggers.find((trigger) => trigger.id === 'contacts-80')
    const heldOut = banner !== undefined && assignVariant(banner, context.account().accountId) === 'holdout'
    holdout.hidden = !heldOut
    holdout.textContent = heldOut
      ? 'This account is in the holdout group of the contacts-80 experiment: it never sees that banner, which is how ' +
        'nudgekit measures lift. Use "Reset demo" for another account.'
      : ''
  }

  const stopAccount = context.onChange(refresh)
  const stopUsage = nudge.$usage.listen(refresh)
  const stopRules = nudge.$rules.listen(refresh)
  refresh()

  const element = h(
    'section',
    { 'aria-labelledby': 'contacts-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'contacts-title' }, 'Contacts'), h('div', { class: 'actions' }, addOne, addTen)),
    meter,
    limitNote,
    holdout,
    summary,
    h(
      'table',
      { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Company'), h('th', { scope: 'col' }, 'Email'))),
      rows,
    ),
  )
  return {
    element,
    destroy() {
      stopAccount()
      stopUsage()
      stopRules()
      unmountMeter()
    },
  }
}
