// Checks on prompt copy: template variables exist and are available to the trigger, CTA URLs are safe.
import { isSafeUrl } from './evaluator/url.ts'
import { PLACEHOLDER_PATTERN, TEMPLATE_VARIABLES } from './evaluator/template-variables.ts'
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
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    const name = match[1]
    if (name === undefined) continue
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      const close = suggest(name, TEMPLATE_VARIABLES)
      out.push({ code: 'unknown_variable', path, message: `unknown variable {${name}}`, hint: close ? `did you mean '{${close}}'?` : `available: ${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(', ')}` })
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
    }
  }
  const leftover = text.replace(PLACEHOLDER_PATTERN, '')
  if (/[{}]/.test(leftover)) {
    out.push({ code: 'unmatched_brace', severity: 'warning', path, message: 'unmatched brace in copy; it will show as is', hint: 'variables look like {target.name}; write {{ and }} for literal braces' })
  }
  return out
}

function unavailable(name: string, context: CopyContext): string | undefined {
  if (USAGE_VARIABLES.has(name) && !context.usage) return 'a usage condition'
  if (name === 'feature' && !context.gate) return 'a gate condition'
  if (name.startsWith('target.') && !context.target) return 'a target'
  return undefined
}
