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

/**
 * Every `{…}` in copy, whatever it holds (`{{` and `}}` are literal braces). The renderer fills only what
 * `PLACEHOLDER_PATTERN` matches and shows anything else as written, so the validator reads copy with this one
 * to report `{Used}` or `{ limit }` instead of shipping them.
 * @example [...'{Used} of { limit }'.matchAll(BRACED_PATTERN)].map((m) => m[1]) // ['Used', ' limit ']
 */
export const BRACED_PATTERN = /\{\{|\}\}|\{([^{}\n]{0,80})\}/g
