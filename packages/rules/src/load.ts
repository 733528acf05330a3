// The one call the server and CLI use: rules text (or data) → validated rules and the compiled payload, or issues.
import type { CompiledRules } from './evaluator/types.ts'
import { compile } from './compile.ts'
import { RulesError, type RulesIssue } from './issues.ts'
import { parseRulesText, type ParseOptions } from './parse.ts'
import type { Rules } from './schema.ts'
import { validateRules } from './validate.ts'

export type LoadResult =
  | { ok: true; rules: Rules; compiled: CompiledRules; warnings: RulesIssue[] }
  | { ok: false; issues: RulesIssue[] }

/**
 * Parses, validates and compiles a rules file. Never throws: a bad file gives `{ ok: false, issues }`
 * with every problem (errors and warnings), each positioned at file:line:column.
 * @example
 * const result = loadRules(readFileSync('acme.yaml', 'utf8'), { filename: 'acme.yaml' })
 * if (!result.ok) console.error(formatIssues(result.issues))
 */
export function loadRules(input: string | object, options: ParseOptions = {}): LoadResult {
  let issues: RulesIssue[]
  let rules: Rules | undefined
  if (typeof input === 'string') {
    const parsed = parseRulesText(input, options)
    if (parsed.value === undefined) return { ok: false, issues: parsed.issues }
    const validated = validateRules(parsed.value, { locate: parsed.locate, ...filenameOf(options) })
    issues = [...parsed.issues, ...validated.issues].sort((a, b) => a.line - b.line || a.column - b.column)
    rules = parsed.issues.some((issue) => issue.severity === 'error') ? undefined : validated.rules
  } else {
    const validated = validateRules(input, filenameOf(options))
    issues = validated.issues
    rules = validated.rules
  }
  if (!rules) return { ok: false, issues }
  return { ok: true, rules, compiled: compile(rules), warnings: issues }
}

/**
 * `loadRules` for callers that cannot return issues: throws a `RulesError` carrying them.
 * @example
 * const { compiled } = loadRulesOrThrow(text, { filename: 'acme.yaml' })
 */
export function loadRulesOrThrow(input: string | object, options: ParseOptions = {}): Extract<LoadResult, { ok: true }> {
  const result = loadRules(input, options)
  if (!result.ok) throw new RulesError(result.issues)
  return result
}

function filenameOf(options: ParseOptions): { filename?: string } {
  return options.filename === undefined ? {} : { filename: options.filename }
}
