// Checks on prompt copy: template variables exist and are available to the trigger, CTA URLs are safe.
import { isSafeUrl } from './evaluator/url.ts'
import { BRACED_PATTERN, TEMPLATE_VARIABLES } from './evaluator/template-variables.ts'
import type { IssueDraft } from './issues.ts'
import { mapOf, textOf } from './raw.ts'
import { suggest } from './suggest.ts'

/** What a trigger's copy can draw on. */
export interface CopyContext {
  usage: boolean
  gate: boolean
  target: boolean
  /** Where the copy is used, for messages ("defaults.non_buyer applies to every trigger"). */
  shared?: boolean
  /** What the target may resolve to for the trigger's audience, to warn of variables that would render empty. */
  offers?: readonly Offer[]
  /** Whether the condition guarantees a known renewal date (`renewal_within`), which `{days_to_renewal}` needs. */
  renewal?: boolean
}

/** A plan or add-on a trigger's target may offer, and what the copy can say about it. */
export interface Offer {
  id: string
  annualPrice: boolean
  /** The offer has no limit for the trigger's metric, so `{target.limit}` renders empty. */
  unlimited: boolean
}

const USAGE_VARIABLES = new Set(['used', 'limit', 'remaining', 'percent', 'metric', 'target.limit'])
const COPY_FIELDS = ['title', 'body', 'dismiss_label'] as const

/** Checks the copy of a prompt (or a variant's overrides, or non-buyer copy) at `path`. */
export function checkPromptCopy(prompt: unknown, path: PropertyKey[], context: CopyContext): IssueDraft[] {
  const entry = mapOf(prompt)
  const out: IssueDraft[] = []
  for (const field of COPY_FIELDS) out.push(...checkText(entry[field], [...path, field], context))
  out.push(...checkCta(entry.cta, [...path, 'cta'], context))
  if (entry.non_buyer !== undefined) {
    const nonBuyer = mapOf(entry.non_buyer)
    for (const field of ['title', 'body'] as const) out.push(...checkText(nonBuyer[field], [...path, 'non_buyer', field], context))
    out.push(...checkCta(nonBuyer.cta, [...path, 'non_buyer', 'cta'], context))
  }
  return out
}

function checkCta(cta: unknown, path: PropertyKey[], context: CopyContext): IssueDraft[] {
  const entry = mapOf(cta)
  const out = checkText(entry.label, [...path, 'label'], context)
  const url = textOf(entry.url)
  if (url === undefined) return out
  out.push(...checkText(url, [...path, 'url'], context))
  if (!isSafeUrl(url)) {
    const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
    out.push({
      code: 'unsafe_url',
      path: [...path, 'url'],
      message: scheme && scheme !== 'http' && scheme !== 'https' ? `CTA URL uses the '${scheme}:' scheme, which is refused` : `CTA URL '${url}' is not a relative or http(s) URL`,
      hint: url.trim().startsWith('//') ? 'write the scheme (https://host/…) or a path (/billing/upgrade)' : 'use a path like /billing/upgrade?plan={target.id} or an https:// URL',
    })
  }
  return out
}

function checkText(value: unknown, path: PropertyKey[], context: CopyContext): IssueDraft[] {
  const text = textOf(value)
  if (text === undefined) return []
  const out: IssueDraft[] = []
  let leftover = text
  for (const match of text.matchAll(BRACED_PATTERN)) {
    const inner = match[1]
    if (inner === undefined) {
      leftover = leftover.replace(match[0], '')
      continue
    }
    // Only names the renderer fills are lower case without spaces; anything name-like is a variable meant.
    if (!/^\s*[A-Za-z_][\w.\s-]*$/.test(inner)) continue
    leftover = leftover.replace(match[0], '')
    const name = inner
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      const close = suggest(name.trim().replace(/\s*\.\s*/g, '.').replace(/[\s-]+/g, '_'), TEMPLATE_VARIABLES)
      const written = /^[a-z_.]+$/.test(name) ? '' : ' (variables are lower case, without spaces)'
      out.push({
        code: 'unknown_variable',
        path,
        message: `unknown variable '{${name}}'${close ? '' : written}`,
        hint: close ? `did you mean '{${close}}'?` : `available: ${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(', ')}`,
      })
      continue
    }
    const missing = unavailable(name, context)
    if (missing) {
      out.push({
        code: 'unavailable_variable',
        ...(context.shared ? { severity: 'warning' as const } : {}),
        path,
        message: context.shared ? `{${name}} is empty for triggers without ${missing}` : `{${name}} needs ${missing}, and this trigger has none`,
        hint: context.shared ? 'shared copy applies to every trigger; move it to the triggers that have it' : `add ${missing} or remove {${name}}`,
      })
      continue
    }
    const empty = emptyFor(name, context)
    if (empty) out.push({ code: 'empty_variable', severity: 'warning', path, ...empty })
  }
  if (/[{}]/.test(leftover)) {
    out.push({ code: 'unmatched_brace', severity: 'warning', path, message: 'unmatched brace in copy; it will show as is', hint: 'variables look like {target.name}; write {{ and }} for literal braces' })
  }
  return out
}

/** Why a known, available variable may still render as empty text for some accounts. */
function emptyFor(name: string, context: CopyContext): { message: string; hint: string } | undefined {
  const list = (offers: readonly Offer[]) => offers.map((offer) => `'${offer.id}'`).join(', ')
  if (name === 'target.annual_price') {
    const without = (context.offers ?? []).filter((offer) => !offer.annualPrice)
    if (without.length > 0) {
      return {
        message: `{target.annual_price} is empty when the target is ${list(without)}, which has no annual price`,
        hint: `give ${list(without)} price.annual, or leave {target.annual_price} out of this copy`,
      }
    }
  }
  if (name === 'target.limit') {
    const unlimited = (context.offers ?? []).filter((offer) => offer.unlimited)
    if (unlimited.length > 0) {
      return {
        message: `{target.limit} is empty when the target is ${list(unlimited)}, which is unlimited for this metric`,
        hint: 'write copy that reads well without the number (e.g. "{target.name} raises the limit"), or narrow audience.plans',
      }
    }
  }
  if (name === 'days_to_renewal' && !context.renewal) {
    return {
      message: '{days_to_renewal} is empty for accounts whose renewsAt is unknown',
      hint: 'add a renewal_within condition (it only holds when renewsAt is known), or leave {days_to_renewal} out',
    }
  }
  return undefined
}

function unavailable(name: string, context: CopyContext): string | undefined {
  if (USAGE_VARIABLES.has(name) && !context.usage) return 'a usage condition'
  if (name === 'feature' && !context.gate) return 'a gate condition'
  if (name.startsWith('target.') && !context.target) return 'a target'
  return undefined
}
