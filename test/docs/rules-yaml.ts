// Checks a README's yaml block as a rules file: the keys it shows over a minimal base that supplies the rest.
import { loadRules, rulesJsonSchema } from '@nudgekit/rules'
import { parse } from 'yaml'
import type { Block } from './markdown.ts'

export const YAML_LANGS = new Set(['yaml', 'yml'])

const RULES_KEYS = new Set(Object.keys((rulesJsonSchema() as { properties: object }).properties))

/** What a fragment leaves out, one top-level key each: just enough for a valid file that triggers can refer to. */
const BASE: Record<string, string> = {
  version: 'version: 1',
  metrics: 'metrics:\n  contacts: { label: contacts }\n  seats: { label: seats }\n  api_calls: { label: API calls, period: month }',
  features: 'features:\n  segmentation: { label: Advanced segmentation }\n  dashboards: { label: Dashboards }',
  plans: [
    'plans:',
    '  - { id: free, name: Free, price: { monthly: 0 }, limits: { contacts: 50, seats: 3, api_calls: 1000 }, features: [] }',
    '  - { id: pro, name: Pro, price: { monthly: 49 }, limits: { contacts: 5000, seats: 10 }, features: [segmentation] }',
  ].join('\n'),
  addons: 'addons:\n  - { id: analytics, name: Analytics, price: { monthly: 29 }, features: [dashboards] }',
}

/**
 * The problems (errors and warnings) of a yaml block read as a rules file, worded `README.md:215:11 error … (path)`.
 * A block is a rules file, or a fragment of one, when its top-level keys include a rules-file key; the top-level
 * keys it leaves out come from `BASE`, so `plans:` alone or `version: 1` is checked too.
 * @example checkRulesBlock(block) // ["README.md:215:27 error unknown metric 'contact' … (triggers[0].when.usage)"]
 */
export function checkRulesBlock(block: Block): string[] {
  let value: unknown
  try {
    value = parse(block.code)
  } catch (error) {
    return [`${block.readme}:${block.line}: not YAML: ${(error as Error).message}`]
  }
  const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : []
  if (!keys.some((key) => RULES_KEYS.has(key))) {
    return [`${block.readme}:${block.fence}: a yaml block that is not a rules file: mark it <!-- snippet: skip <what it is> -->.`]
  }
  const base = Object.entries(BASE).filter(([key]) => !keys.includes(key)).map(([, text]) => text).join('\n')
  const offset = base === '' ? 0 : base.split('\n').length
  const result = loadRules(base === '' ? block.code : `${base}\n${block.code}`, { filename: block.readme })
  const issues = result.ok ? result.warnings : result.issues
  return issues.map((issue) => {
    const inBlock = issue.line > offset
    const where = inBlock ? `${block.line + issue.line - offset - 1}:${block.indent + issue.column}` : `${block.fence}`
    const hint = issue.hint ? ` — ${issue.hint}` : ''
    return `${block.readme}:${where} ${issue.severity} ${issue.message}${hint} (${issue.path || 'file'})`
  })
}
