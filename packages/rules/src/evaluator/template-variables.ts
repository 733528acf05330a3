// The variables prompt copy may use. The validator rejects others; the renderer fills exactly these.

/**
 * Every variable a `{…}` placeholder in prompt copy may name.
 * Usage variables (`used`, `limit`, `remaining`, `percent`, `metric`) need a `usage` condition;
 * `feature` needs a `gate` condition; `target.*` needs a resolvable `target`.
 */
export const TEMPLATE_VARIABLES = [
  'used',
  'limit',
  'remaining',
  'percent',
  'metric',
  'feature',
  'plan.id',
  'plan.name',
  'target.id',
  'target.name',
  'target.limit',
  'target.price',
  'target.annual_price',
  'days_to_renewal',
] as const

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number]

/** Matches `{name}` placeholders; `{{` and `}}` are literal braces. */
export const PLACEHOLDER_PATTERN = /\{\{|\}\}|\{([a-z_.]+)\}/g
