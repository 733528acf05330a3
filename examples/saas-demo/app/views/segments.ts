// Segmentation page: a feature the Free plan lacks; the host checks the gate and nudgekit renders the locked card.
import { mountGate } from '@nudgekit/widgets'
import { h } from '../dom.ts'
import type { View, ViewFactory } from './view.ts'

const segments = [
  { name: 'Enterprise leads', rule: 'company size > 500 and stage = lead', count: 38 },
  { name: 'Churn risk', rule: 'last contacted > 90 days ago', count: 12 },
  { name: 'Champions', rule: 'opened ≥ 5 emails this month', count: 21 },
]

export const segmentationView: ViewFactory = (context): View => {
  const builder = h(
    'div',
    { class: 'card', 'data-testid': 'segment-builder' },
    h('h2', {}, 'Your segments'),
    h(
      'ul',
      { class: 'list' },
      ...segments.map((segment) =>
        h('li', {}, h('strong', {}, segment.name), h('span', { class: 'muted' }, ` ${segment.rule} · ${segment.count} contacts`)),
      ),
    ),
  )
  // The gate shows the builder when the plan includes segmentation, and the locked card when it does not.
  const gated = h('div', { class: 'gate-slot' }, builder)
  const unmountGate = mountGate(gated, context.nudge, 'segmentation')

  return {
    element: h(
      'section',
      { 'aria-labelledby': 'segments-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'segments-title' }, 'Segmentation')),
      h('p', { class: 'muted' }, 'Group contacts by behaviour and send each group the right campaign.'),
      gated,
    ),
    destroy: unmountGate,
  }
}
