// Checks on what the rules sell: metrics, features, plans, add-ons, defaults and webhook routes.
import { DEFAULT_BUYER_ROLES } from './compile.ts'
import { isSafeUrl } from './evaluator/url.ts'
import type { IssueDraft } from './issues.ts'
import { listOf, mapOf, textOf } from './raw.ts'
import { didYouMean, suggest } from './suggest.ts'

/** The names the rest of the file may refer to, read defensively from unvalidated data. */
export interface Catalog {
  metrics: Set<string>
  features: Set<string>
  /** Plan id → position on the ladder (0 = cheapest). */
  plans: Map<string, number>
  addons: Set<string>
  triggers: Set<string>
  /** Metrics some plan or add-on limits (a percentage of an unlimited metric never matches). */
  limitedMetrics: Set<string>
  /** Per metric, the smallest limit a plan sets (unlimited plans aside). */
  smallestLimits: Map<string, number>
}

const idsOf = (value: unknown) => listOf(value).flatMap((item) => textOf(mapOf(item).id) ?? [])

export function readCatalog(rules: unknown): Catalog {
  const root = mapOf(rules)
  const limitedMetrics = new Set<string>()
  const smallestLimits = new Map<string, number>()
  for (const item of [...listOf(root.plans), ...listOf(root.addons)]) {
    for (const [metric, limit] of Object.entries(mapOf(mapOf(item).limits))) if (typeof limit === 'number') limitedMetrics.add(metric)
  }
  for (const item of listOf(root.plans)) {
    for (const [metric, limit] of Object.entries(mapOf(mapOf(item).limits))) {
      if (typeof limit === 'number') smallestLimits.set(metric, Math.min(limit, smallestLimits.get(metric) ?? Infinity))
    }
  }
  return {
    metrics: new Set(Object.keys(mapOf(root.metrics))),
    features: new Set(Object.keys(mapOf(root.features))),
    plans: new Map(idsOf(root.plans).map((id, rank) => [id, rank] as const).reverse()),
    addons: new Set(idsOf(root.addons)),
    triggers: new Set(idsOf(root.triggers)),
    limitedMetrics,
    smallestLimits,
  }
}

/** `unknown_x` with a suggestion, or nothing when `name` is known (or not text: the schema reports that). */
export function checkReference(kind: 'metric' | 'feature' | 'plan' | 'addon' | 'trigger', name: unknown, known: ReadonlySet<string> | ReadonlyMap<string, unknown>, path: PropertyKey[], at: 'key' | 'value' = 'value'): IssueDraft[] {
  if (typeof name !== 'string' || known.has(name)) return []
  const section = { metric: 'metrics', feature: 'features', plan: 'plans', addon: 'addons', trigger: 'triggers' }[kind]
  const label = kind === 'addon' ? 'add-on' : kind
  return [{
    code: `unknown_${kind}`,
    path,
    at,
    message: `unknown ${label} '${name}'`,
    hint: () => {
      const match = suggest(name, known.keys())
      if (match) return `did you mean '${match}'?`
      const names = [...known.keys()].slice(0, 10)
      return names.length ? `declare it under ${section} (known: ${names.join(', ')}${known.size > 10 ? ', …' : ''})` : `declare it under ${section}`
    },
  }]
}

export function checkCatalog(rules: unknown, catalog: Catalog): IssueDraft[] {
  const root = mapOf(rules)
  const out: IssueDraft[] = []
  for (const section of ['plans', 'addons'] as const) {
    listOf(root[section]).forEach((item, index) => {
      const entry = mapOf(item)
      const path = [section, index]
      for (const [metric, limit] of Object.entries(mapOf(entry.limits))) {
        out.push(...checkReference('metric', metric, catalog.metrics, [...path, 'limits', metric], 'key'))
        if (typeof limit === 'number' && limit < 0) {
          out.push({ code: 'negative_limit', path: [...path, 'limits', metric], message: `limit of '${metric}' is negative (${limit})`, hint: section === 'plans' ? 'use null for unlimited' : 'an add-on adds a non-negative amount' })
        }
      }
      listOf(entry.features).forEach((feature, i) => out.push(...checkReference('feature', feature, catalog.features, [...path, 'features', i])))
    })
  }
  out.push(...checkLadder(listOf(root.plans)))
  const defaults = mapOf(root.defaults)
  if (typeof defaults.locale === 'string' && !isLocale(defaults.locale)) {
    out.push({ code: 'invalid_value', path: ['defaults', 'locale'], message: `invalid locale '${defaults.locale}'`, hint: 'use a BCP 47 tag such as en-US or de' })
  }
  if (Array.isArray(defaults.buyer_roles) && defaults.buyer_roles.length === 0) {
    out.push({
      code: 'no_buyers',
      severity: 'warning',
      path: ['defaults', 'buyer_roles'],
      message: 'no role can buy: every user with a role gets the non-buyer copy (by default "Ask your admin"), and only users without a role are offered the upgrade',
      hint: `list the roles that can buy, e.g. buyer_roles: [${DEFAULT_BUYER_ROLES.join(', ')}], or remove buyer_roles for that default`,
    })
  }
  out.push(...checkRoutes(root.routes, catalog))
  return out
}

/** A ladder is cheapest first; a plan that limits a metric more than the plan before it is likely out of order. */
function checkLadder(plans: unknown[]): IssueDraft[] {
  const out: IssueDraft[] = []
  for (let i = 1; i < plans.length; i++) {
    const previous = mapOf(plans[i - 1])
    const current = mapOf(plans[i])
    const previousLimits = mapOf(previous.limits)
    for (const [metric, limit] of Object.entries(mapOf(current.limits))) {
      if (typeof limit !== 'number' || limit < 0 || !Object.hasOwn(previousLimits, metric)) continue
      const before = previousLimits[metric]
      // null before means unlimited: any number after it is a step down.
      if (before === null || (typeof before === 'number' && limit < before)) {
        out.push({
          code: 'ladder_order',
          severity: 'warning',
          path: ['plans', i, 'limits', metric],
          message: `'${String(current.id)}' allows less '${metric}' than '${String(previous.id)}' before it`,
          hint: 'plans are the upgrade ladder, cheapest first; check the order or the limit',
        })
      }
    }
  }
  return out
}

function checkRoutes(routes: unknown, catalog: Catalog): IssueDraft[] {
  const out: IssueDraft[] = []
  listOf(routes).forEach((item, index) => {
    const route = mapOf(item)
    const path = ['routes', index]
    const url = textOf(route.url)
    if (url !== undefined && !(isSafeUrl(url) && /^https?:\/\//i.test(url.trim()))) {
      out.push({ code: 'unsafe_url', path: [...path, 'url'], message: `webhook URL '${url}' is not an absolute http(s) URL`, hint: 'use https://… of the service that receives upgrade requests' })
    } else if (url !== undefined && /^http:\/\//i.test(url.trim()) && !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/i.test(url.trim())) {
      out.push({ code: 'unsafe_url', severity: 'warning', path: [...path, 'url'], message: `webhook URL '${url}' is not https`, hint: 'upgrade requests carry account ids; send them over https' })
    }
    listOf(route.on).forEach((name, i) => {
      if (typeof name !== 'string' || name === 'upgrade_requested') return
      const drafts = checkReference('trigger', name, catalog.triggers, [...path, 'on', i])
      out.push(...drafts.map((draft) => ({ ...draft, hint: () => didYouMean(name, catalog.triggers.keys()) ?? "use 'upgrade_requested' or a trigger id" })))
    })
  })
  return out
}

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}
