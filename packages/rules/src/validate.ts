// Validation of rules data: shape (zod) and meaning (references, copy, targets), every problem at once, positioned.
import { checkCatalog, readCatalog } from './check-catalog.ts'
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
  const parsed = rulesSchema.safeParse(value)
  const drafts: IssueDraft[] = parsed.success ? [] : fromZodIssues(parsed.error.issues, value)
  if (isPlainObject(value)) {
    const catalog = readCatalog(value)
    drafts.push(...checkCatalog(value, catalog), ...checkTriggers(value, catalog))
  }
  const issues = positionIssues(drafts, options)
  const failed = issues.some((issue) => issue.severity === 'error')
  return { rules: parsed.success && !failed ? parsed.data : undefined, issues }
}

function positionIssues(drafts: IssueDraft[], options: ValidateOptions): RulesIssue[] {
  const seen = new Set<string>()
  const issues: RulesIssue[] = []
  for (const draft of drafts) {
    const path = formatPath(draft.path)
    const key = `${draft.code}\u0000${path}\u0000${draft.message}`
    if (seen.has(key)) continue
    seen.add(key)
    const position = options.locate ? options.locate(draft.path, draft.at) : { line: 0, column: 0 }
    issues.push({
      code: draft.code,
      severity: draft.severity ?? 'error',
      ...(options.filename === undefined ? {} : { file: options.filename }),
      line: position.line,
      column: position.column,
      path,
      message: draft.message,
      ...(draft.hint === undefined ? {} : { hint: draft.hint }),
    })
  }
  return issues.sort((a, b) => a.line - b.line || a.column - b.column)
}
