// Rules for the browser checks: one trigger per placement, all due at once, with every copy field supplied by the caller.
import { loadRules, type CompiledRules, type RulesIssue } from '@nudgekit/rules'

/** Every copy field a rules file can carry that ends up on screen, named for reports. */
export const COPY_FIELDS = [
  'metric label',
  'feature label',
  'free plan name',
  'pro plan name',
  'banner title',
  'banner body',
  'banner CTA label',
  'banner dismiss label',
  'banner variant title',
  'banner variant body',
  'banner variant CTA label',
  'modal title',
  'modal body',
  'modal CTA label',
  'toast title',
  'toast body',
  'gate title',
  'gate body',
  'gate CTA label',
  'non-buyer title',
  'non-buyer body',
  'non-buyer CTA label',
  'default non-buyer title',
  'default non-buyer body',
  'default non-buyer CTA label',
] as const

export type CopyField = (typeof COPY_FIELDS)[number]

const frequency = { max_per_session: 10, max_per_day: 10 }

/**
 * A rules file (JSON) whose every copy field is `copy(field)`: contacts at 90 % shows the banner (an
 * experiment: arm `a` overrides the copy, arm `b` keeps it) and the toast, seats at the cap the modal, a
 * segmentation gate hit the inline card; the meter shows contacts. Plan, metric and feature names reach
 * the screen through `{target.name}`, `{plan.name}`, `{metric}` and `{feature}`.
 */
export function rulesText(copy: (field: CopyField) => string, ctaUrl = '/billing/upgrade?plan={target.id}'): string {
  const trigger = (id: string, placement: string, when: unknown, prompt: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id,
    when,
    prompt: { placement, target: 'next_plan', ...prompt },
    frequency,
    ...extra,
  })
  return JSON.stringify({
    version: 1,
    metrics: { contacts: { label: copy('metric label') }, seats: { label: 'seats' } },
    features: { segmentation: { label: copy('feature label') } },
    plans: [
      { id: 'free', name: copy('free plan name'), price: { monthly: 0 }, limits: { contacts: 1000, seats: 3 }, features: [] },
      { id: 'pro', name: copy('pro plan name'), price: { monthly: 49 }, limits: { contacts: 10000, seats: 10 }, features: ['segmentation'] },
    ],
    triggers: [
      trigger(
        'banner-trigger',
        'banner',
        { usage: 'contacts', at_least: '80%' },
        {
          title: copy('banner title'),
          body: `${copy('banner body')} {target.name}`,
          cta: { label: copy('banner CTA label'), url: ctaUrl },
          dismiss_label: copy('banner dismiss label'),
          non_buyer: { title: copy('non-buyer title'), body: copy('non-buyer body'), cta: { label: copy('non-buyer CTA label') } },
        },
        {
          experiment: {
            variants: {
              a: { title: copy('banner variant title'), body: copy('banner variant body'), cta: { label: copy('banner variant CTA label'), url: ctaUrl } },
              b: {},
            },
          },
        },
      ),
      trigger('modal-trigger', 'modal', { usage: 'seats', at_least: '100%' }, {
        title: copy('modal title'),
        body: `${copy('modal body')} {target.name} {plan.name}`,
        cta: { label: copy('modal CTA label'), url: ctaUrl },
      }),
      trigger('toast-trigger', 'toast', { usage: 'contacts', at_least: '50%' }, { title: copy('toast title'), body: `${copy('toast body')} {metric}` }),
      trigger('gate-trigger', 'inline', { gate: 'segmentation' }, {
        title: `${copy('gate title')} {feature}`,
        body: copy('gate body'),
        cta: { label: copy('gate CTA label'), url: ctaUrl },
        target: 'cheapest_plan_with_feature',
      }),
    ],
    defaults: {
      frequency,
      non_buyer: { title: copy('default non-buyer title'), body: copy('default non-buyer body'), cta: { label: copy('default non-buyer CTA label') } },
    },
  })
}

/** `loadRules` on `rulesText(...)`; throws with the issues when the file is refused. */
export function compileRules(text: string): CompiledRules {
  const result = loadRules(text, { filename: 'browser-chaos.json' })
  if (!result.ok) throw new Error(`the browser rules were refused: ${result.issues.map((i: RulesIssue) => `${i.path}: ${i.message}`).join('; ')}`)
  return result.compiled
}
