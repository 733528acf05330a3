// The zod schema of the rules file: the single source of its shape, its TypeScript types and its JSON Schema.
import { z } from 'zod'
import { DURATION_PATTERN, PERCENT_PATTERN } from './evaluator/duration.ts'

/** Ids of metrics, features, plans, add-ons, triggers, routes and variants. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
/** An ISO 4217 currency code, as `defaults.currency` takes it. */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/

const id = z
  .string()
  .max(64, { error: 'ids are at most 64 characters' })
  .regex(ID_PATTERN, { error: 'ids use letters, digits, _ and - (and start with a letter or digit)' })

const text = z.string().min(1, { error: 'must not be empty' }).max(2000, { error: 'at most 2000 characters' })

const duration = z
  .string()
  .regex(DURATION_PATTERN, { error: 'expected a duration like 14d, 12h, 30m, 45s or 2w' })
  .meta({ examples: ['14d', '12h', '30m'] })

const percent = z
  .string()
  .regex(PERCENT_PATTERN, { error: "expected a percentage like '10%'" })
  .meta({ examples: ['10%'] })

const count = z.number().int({ error: 'expected a whole number' }).min(1, { error: 'must be at least 1' })

const metric = z.strictObject({
  label: text.describe('How the metric reads in copy, e.g. "contacts"'),
  period: z
    .enum(['day', 'week', 'month', 'year'])
    .optional()
    .describe('When a client-side counter starts again from zero (api_calls per month). Absent: never.'),
  unit: z.string().max(32).optional().describe('Unit shown after numbers, e.g. "GB"'),
})

const feature = z.strictObject({ label: text.describe('How the feature reads in copy') })

const price = z
  .strictObject({
    monthly: z.number().min(0, { error: 'prices cannot be negative' }).optional(),
    annual: z.number().min(0, { error: 'prices cannot be negative' }).optional(),
  })
  .describe('Price per month and per year, in defaults.currency')

const limitValue = z.number().meta({ minimum: 0 })

const plan = z.strictObject({
  id: id.describe('Plan id as your billing system knows it'),
  name: text.describe('Display name, e.g. "Pro"'),
  price: price.optional(),
  limits: z
    .record(z.string(), limitValue.nullable())
    .optional()
    .describe('metric → limit; null (or absent) means unlimited'),
  features: z.array(z.string()).optional().describe('Feature ids included in this plan'),
})

const addon = z.strictObject({
  id: id.describe('Add-on id as your billing system knows it'),
  name: text.describe('Display name, e.g. "Analytics module"'),
  price: price.optional(),
  features: z.array(z.string()).optional().describe('Feature ids the add-on unlocks'),
  limits: z.record(z.string(), limitValue).optional().describe('metric → amount added on top of the plan limit'),
})

const scalar = z.union([z.string(), z.number(), z.boolean()])

const traitOps = {
  eq: scalar.optional(),
  neq: scalar.optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  in: z.array(scalar).optional(),
  not_in: z.array(scalar).optional(),
  exists: z.boolean().optional(),
}

/** The operators of a `trait` comparison; exactly one per comparison. */
export const TRAIT_OPERATORS = Object.keys(traitOps) as (keyof typeof traitOps)[]

const within = duration.optional().describe('Count only the hits of this recent window; absent: all time')

/** Each condition kind by the key that names it, in the order the schema's union lists them. */
export const CONDITION_KINDS = [
  'usage',
  'gate',
  'event',
  'renewal_within',
  'account_age_at_least',
  'trait',
  'has_feature',
  'lacks_feature',
  'has_addon',
  'lacks_addon',
  'all',
  'any',
  'not',
] as const

/**
 * A condition: one kind per object; compose kinds with `all`, `any` and `not`.
 * @example conditionSchema.parse({ all: [{ usage: 'contacts', at_least: '80%' }, { not: { has_addon: 'analytics' } }] })
 */
export const conditionSchema = z
    .union([
      z.strictObject({
        usage: z.string().describe('Metric id'),
        at_least: z
          .union([z.number().min(0), z.string().regex(PERCENT_PATTERN)], {
            error: "expected a percentage of the limit like '80%' or an absolute number like 800",
          })
          .optional()
          .describe("Percentage of the account's limit ('80%') or an absolute amount (800)"),
        above_limit: z.literal(true).optional().describe('Usage is over the limit'),
      }),
      z.strictObject({
        gate: z.string().describe("Feature id whose gate was hit; holds only while the account's plan and add-ons lack the feature"),
        count_at_least: count.optional().describe('Number of gate hits; default 1'),
        within,
      }),
      z.strictObject({
        event: z.string().describe('Event name, as tracked with nudge.track()'),
        count_at_least: count.describe('Number of events'),
        within,
      }),
      z.strictObject({ renewal_within: duration.describe('The subscription renews within this window') }),
      z.strictObject({ account_age_at_least: duration.describe('The account is at least this old') }),
      z.strictObject({ trait: z.string().describe('Account trait name'), ...traitOps }),
      z.strictObject({ has_feature: z.string().describe("Feature id the account's plan or add-ons include") }),
      z.strictObject({ lacks_feature: z.string().describe("Feature id the account's plan and add-ons lack") }),
      z.strictObject({ has_addon: z.string().describe('Add-on id the account has') }),
      z.strictObject({ lacks_addon: z.string().describe('Add-on id the account does not have') }),
      z.strictObject({
        get all() {
          return z.array(conditionSchema).min(1).describe('Every condition holds')
        },
      }),
      z.strictObject({
        get any() {
          return z.array(conditionSchema).min(1).describe('At least one condition holds')
        },
      }),
      z
        .strictObject({
          get not() {
            return conditionSchema.describe('The condition does not hold')
          },
        })
        .meta({ id: 'NotCondition' }),
    ])
    .meta({ id: 'Condition', description: 'One condition kind per object; compose with all, any and not' })

const cta = z.strictObject({
  label: text.describe('Button text'),
  url: z.string().optional().describe('Relative or http(s) URL; may use {target.id} and other variables'),
})

const nonBuyerCopy = z
  .strictObject({ title: text.optional(), body: text.optional(), cta: cta.optional() })
  .describe('Copy for users whose role cannot buy (they get "Ask your admin")')

const promptFields = {
  placement: z.enum(['banner', 'modal', 'toast', 'inline']).describe('Where the prompt renders'),
  title: text.describe('Headline; may use {used}, {limit}, {target.name} and other variables'),
  body: text.optional(),
  cta: cta.optional(),
  dismiss_label: text.optional(),
  target: z
    .string()
    .optional()
    .describe('A plan or add-on id, next_plan, next_plan_raising_limit or cheapest_plan_with_feature'),
  non_buyer: nonBuyerCopy.optional(),
}

const prompt = z.strictObject(promptFields)

const frequency = z
  .strictObject({
    cooldown: duration.optional().describe('Minimum time between two showings'),
    snooze_on_dismiss: duration.optional().describe('Hide this long after a dismissal'),
    max_impressions: count.optional().describe('Lifetime impressions per account'),
    max_per_session: count.optional().describe('Impressions per browsing session: shared by open tabs, ended by 30 minutes without activity'),
    max_per_day: count.optional().describe('Impressions per calendar day, in the browser’s time zone'),
    stop_after_accept: z.boolean().optional().describe('Stop once the account converted through it; default true'),
  })
  .describe('Restraint: cooldowns, snoozes and caps')

const traitComparison = z.union([scalar, z.strictObject(traitOps)], {
  error: 'expected a value to compare with, or an operator object like { gte: 5 }',
})

const trigger = z.strictObject({
  id: id.describe('Trigger id, reported in events and stats'),
  when: conditionSchema,
  audience: z
    .strictObject({
      plans: z.array(z.string()).optional().describe('Only accounts on these plans'),
      roles: z.array(z.string()).optional().describe("'buyer', 'non_buyer' or role names"),
      min_account_age: duration.optional().describe('Value first: no prompt before the account is this old'),
      traits: z.record(z.string(), traitComparison).optional().describe('trait → value or { op: value }'),
    })
    .optional(),
  prompt,
  frequency: frequency.optional(),
  priority: z.number().int({ error: 'expected a whole number' }).optional().describe('Higher wins within a placement'),
  experiment: z
    .strictObject({
      variants: z
        .record(id, z.strictObject(promptFields).partial())
        .optional()
        .describe('variant name → prompt overrides ({} keeps the prompt as is)'),
      holdout: percent.optional().describe("Share of accounts that see nothing, e.g. '10%'"),
    })
    .optional(),
  enabled: z.boolean().optional().describe('false keeps the trigger in the file but never fires it'),
})

const route = z.strictObject({
  id: id.describe('Route id'),
  url: z.string().describe('Webhook URL (https) the server posts to'),
  on: z.array(z.string()).min(1).describe("'upgrade_requested' or trigger ids"),
  secret_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name like ACME_WEBHOOK_SECRET' })
    .optional()
    .describe('Environment variable holding the HMAC signing secret'),
  renotify_after: duration.optional().describe('Notify again about the same account after this long'),
})

/**
 * The rules file's shape. Use `loadRules` for files: it adds positions, cross-reference checks and compiling.
 * @example const shapeOk = rulesSchema.safeParse(yaml.parse(text)).success
 */
export const rulesSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Rules file format version'),
    metrics: z.record(id, metric).optional().describe('Things you limit and count'),
    features: z.record(id, feature).optional().describe('Things you gate'),
    plans: z.array(plan).min(1).describe('The upgrade ladder, cheapest first'),
    addons: z.array(addon).optional().describe('Add-ons for cross-sell'),
    triggers: z.array(trigger).optional().describe('When to show which prompt'),
    defaults: z
      .strictObject({
        frequency: frequency.optional(),
        non_buyer: nonBuyerCopy.optional(),
        buyer_roles: z.array(z.string()).optional().describe('Roles that can buy; default owner, admin, billing'),
        locale: z.string().optional().describe('BCP 47 locale for numbers in copy, e.g. en-US'),
        currency: z
          .string()
          .regex(CURRENCY_PATTERN, { error: 'expected an ISO 4217 currency code like USD' })
          .optional()
          .describe('ISO 4217 code for prices; default USD'),
      })
      .optional(),
    attribution: z
      .strictObject({ window: duration.describe('A conversion is credited to a prompt shown within this window') })
      .optional(),
    routes: z.array(route).optional().describe('Webhooks the server calls for upgrade requests'),
  })
  .meta({
    title: 'nudgekit rules file',
    description: 'Plans, limits and the triggers that show upgrade prompts.',
  })

/** A parsed, shape-checked rules file. */
export type Rules = z.infer<typeof rulesSchema>
export type Metric = z.infer<typeof metric>
export type Feature = z.infer<typeof feature>
export type Plan = z.infer<typeof plan>
export type Addon = z.infer<typeof addon>
export type Trigger = z.infer<typeof trigger>
export type TriggerPrompt = z.infer<typeof prompt>
export type TriggerFrequency = z.infer<typeof frequency>
export type Route = z.infer<typeof route>
export type Condition = z.infer<typeof conditionSchema>
