// Checks on ids within each kind: duplicates (errors) and ids that differ only in case (warnings).
import { formatPath, type IssueDraft } from './issues.ts'
import { listOf, mapOf, textOf } from './raw.ts'

/** One id as written, where it is, and how messages name its place. */
interface IdEntry {
  id: string
  path: PropertyKey[]
  at: 'key' | 'value'
  where: string
}

/** Ids that share a namespace, and what to say of a duplicate among them. */
interface IdKind {
  entries: IdEntry[]
  /** `duplicate ${label}id 'x'`: 'trigger ', 'route ', or '' for plans and add-ons. */
  label: string
  /** Only lists can hold a duplicate: the parser reports a map key written twice. */
  duplicateHint?: string
}

const CASE_HINT = 'billing systems, stats and people confuse ids that differ only in case; rename one so they differ in more than case'

/**
 * Duplicate and case-only-different ids of plans and add-ons (one namespace: targets name them), metrics,
 * features, triggers, routes and each trigger's variants.
 * @example checkIds({ plans: [{ id: 'free' }, { id: 'Free' }] }) // [{ code: 'case_collision', severity: 'warning', … }]
 */
export function checkIds(rules: unknown): IssueDraft[] {
  const root = mapOf(rules)
  const listed = (section: string, label: string) =>
    listOf(root[section]).flatMap((item, index) => {
      const id = textOf(mapOf(item).id)
      return id === undefined ? [] : [{ id, path: [section, index, 'id'], at: 'value' as const, where: `${label}${section}[${index}]` }]
    })
  const keyed = (map: unknown, path: PropertyKey[]) => Object.keys(mapOf(map)).map((id) => ({ id, path: [...path, id], at: 'key' as const, where: formatPath([...path, id]) }))
  const kinds: IdKind[] = [
    { entries: [...listed('plans', 'the plan at '), ...listed('addons', 'the add-on at ')], label: '', duplicateHint: 'plan and add-on ids share one namespace, because targets name them' },
    { entries: keyed(root.metrics, ['metrics']), label: 'metric ' },
    { entries: keyed(root.features, ['features']), label: 'feature ' },
    { entries: listed('triggers', ''), label: 'trigger ', duplicateHint: 'trigger ids key stats and frequency state; give each trigger its own' },
    {
      entries: listed('routes', ''),
      label: 'route ',
      duplicateHint: "route ids key webhook deliveries: both routes' upgrade requests would go to the last one's URL; give each route its own",
    },
    ...listOf(root.triggers).map((trigger, index) => ({
      entries: keyed(mapOf(mapOf(trigger).experiment).variants, ['triggers', index, 'experiment', 'variants']),
      label: 'variant ',
    })),
  ]
  return kinds.flatMap(checkKind)
}

function checkKind({ entries, label, duplicateHint }: IdKind): IssueDraft[] {
  const out: IssueDraft[] = []
  const exact = new Map<string, IdEntry>()
  const folded = new Map<string, IdEntry>()
  for (const entry of entries) {
    const first = exact.get(entry.id)
    if (first) {
      out.push({ code: 'duplicate_id', path: entry.path, at: entry.at, message: `duplicate ${label}id '${entry.id}' (already used by ${first.where})`, ...(duplicateHint ? { hint: duplicateHint } : {}) })
      continue
    }
    exact.set(entry.id, entry)
    const lower = entry.id.toLowerCase()
    const similar = folded.get(lower)
    if (similar) {
      out.push({ code: 'case_collision', severity: 'warning', path: entry.path, at: entry.at, message: `${label}id '${entry.id}' differs only in case from '${similar.id}' (${similar.where})`, hint: CASE_HINT })
    } else folded.set(lower, entry)
  }
  return out
}

