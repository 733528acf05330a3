// Validation of rules data: shape (zod) and meaning (references, copy, targets), every problem at once, positioned.
import { checkCatalog, readCatalog } from './check-catalog.ts'
import { checkIds } from './check-ids.ts'
import { checkTriggers } from './check-triggers.ts'
import { formatPath, type IssueDraft, type RulesIssue } from './issues.ts'
import type { SourcePosition } from './parse.ts'
import { isPlainObject } from './raw.ts'
import { rulesSchema, type Rules } from './schema.ts'
import { fromZodIssues } from './zod-issues.ts'

export interface ValidateOptions {
  filename?: string
  /** Maps a path to its place in the source text; without it issues carry line and column 0. */
  locate?: (path: readonly PropertyKey[], at?: 'key' | 'value') => SourcePosition
}

/**
 * Checks parsed rules data. `rules` is set when there are no errors (warnings may remain).
 * @example
 * const { rules, issues } = validateRules(JSON.parse(text), { filename: 'rules.json' })
 */
export function validateRules(value: unknown, options: ValidateOptions = {}): { rules: Rules | undefined; issues: RulesIssue[] } {
  // zod's own messages are replaced by ours; skipping them halves the time on a badly broken file.
  const parsed = rulesSchema.safeParse(value, { error: () => 'invalid' })
  const drafts: IssueDraft[] = parsed.success ? [] : fromZodIssues(parsed.error.issues, value)
  if (isPlainObject(value)) {
    const catalog = readCatalog(value)
    drafts.push(...checkCatalog(value, catalog), ...checkTriggers(value, catalog), ...checkIds(value))
  }
  const issues = positionIssues(drafts, options)
  const failed = issues.some((issue) => issue.severity === 'error')
  return { rules: parsed.success && !failed ? parsed.data : undefined, issues }
}

/** More issues than this are summarised in one last issue: past a point they are noise, and costly to suggest for. */
export const MAX_ISSUES = 200

function positionIssues(drafts: IssueDraft[], options: ValidateOptions): RulesIssue[] {
  const seen = new Set<string>()
  const placed: { draft: IssueDraft; path: string; line: number; column: number }[] = []
  for (const draft of drafts) {
    const path = formatPath(draft.path)
    const key = `${draft.code}\u0000${path}\u0000${draft.message}`
    if (seen.has(key)) continue
    seen.add(key)
    const position = options.locate ? options.locate(draft.path, draft.at) : { line: 0, column: 0 }
    placed.push({ draft, path, line: position.line, column: position.column })
  }
  placed.sort((a, b) => a.line - b.line || a.column - b.column)
  const file = options.filename === undefined ? {} : { file: options.filename }
  const issues: RulesIssue[] = placed.slice(0, MAX_ISSUES).map(({ draft, path, line, column }) => {
    const hint = typeof draft.hint === 'function' ? draft.hint() : draft.hint
    return {
      code: draft.code,
      severity: draft.severity ?? 'error',
      ...file,
      line,
      column,
      path,
      message: draft.message,
      ...(hint === undefined ? {} : { hint }),
    }
  })
  if (placed.length > MAX_ISSUES) {
    const rest = placed.slice(MAX_ISSUES)
    const errors = rest.some(({ draft }) => (draft.severity ?? 'error') === 'error')
    issues.push({
      code: 'too_many_issues',
      severity: errors ? 'error' : 'warning',
      ...file,
      line: rest[0]!.line,
      column: rest[0]!.column,
      path: '',
      message: `${rest.length} more problems not shown`,
      hint: 'fix the problems above first',
    })
  }
  return issues
}
