// Reports page: each view is a behaviour event (track) that the cross-sell trigger counts.
import { h } from '../dom.ts'
import type { View, ViewFactory } from './view.ts'

const bars = [
  { label: 'Mon', value: 12 },
  { label: 'Tue', value: 19 },
  { label: 'Wed', value: 15 },
  { label: 'Thu', value: 24 },
  { label: 'Fri', value: 30 },
]

export const reportsView: ViewFactory = (context): View => {
  let views = 0
  const counter = h('p', { class: 'muted', role: 'status', 'data-testid': 'report-views' })
  const chart = h(
    'div',
    { class: 'chart', role: 'img', 'aria-label': 'Deals closed per weekday: Monday 12, Tuesday 19, Wednesday 15, Thursday 24, Friday 30' },
    ...bars.map((bar) => h('div', { class: 'bar', style: `--value: ${bar.value}` }, h('span', {}, bar.label))),
  )
  chart.hidden = true

  const view = () => {
    context.nudge.track('report_viewed', { report: 'deals-by-weekday' })
    views += 1
    chart.hidden = false
    counter.textContent = `Report viewed ${views} ${views === 1 ? 'time' : 'times'} in this visit.`
  }

  return {
    element: h(
      'section',
      { 'aria-labelledby': 'reports-title' },
      h(
        'div',
        { class: 'page-head' },
        h('h1', { id: 'reports-title' }, 'Reports'),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'btn', onclick: view }, 'View report')),
      ),
      h('p', { class: 'muted' }, 'Deals closed per weekday. Teams that read reports often are offered the Analytics add-on.'),
      counter,
      chart,
    ),
    destroy() {},
  }
}
