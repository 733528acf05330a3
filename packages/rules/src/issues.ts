// Problems in a rules file as data (`RulesIssue`), their compiler-style text, and the error that carries them.
import { escapeControl } from './raw.ts'

export type RulesIssueCode =
  | 'empty_file'
  | 'file_too_large'
  | 'too_deep'
  | 'too_many_aliases'
  | 'syntax_error'
  | 'invalid_type'
  | 'missing_key'
  | 'unknown_key'
  | 'invalid_value'
  | 'invalid_id'
  | 'invalid_duration'
  | 'invalid_percent'
  | 'out_of_range'
  | 'unknown_condition'
  | 'ambiguous_condition'
  | 'unknown_metric'
  | 'unknown_feature'
  | 'unknown_plan'
  | 'unknown_addon'
  | 'unknown_target'
  | 'unknown_trigger'
  | 'unknown_variable'
  | 'unavailable_variable'
  | 'duplicate_id'
  | 'duplicate_key'
  | 'too_many_issues'
  | 'negative_limit'
  | 'unsafe_url'
  | 'suspicious_target'
  | 'unreachable'
  | 'ladder_order'
  | 'unattached_inline'
  | 'unmatched_brace'
  | 'empty_variable'
  | 'missing_url'
  | 'no_signal'
  | 'suspicious_threshold'
  | 'unknown_anchor'
  | 'not_text'
  | 'unknown_role'
  | 'merge_key'
  | 'case_collision'
  | 'no_buyers'

/**
 * One problem in a rules file. `line` and `column` are 1-based; 0 when the rules did not come from text.
 * @example
 * { code: 'unknown_metric', severity: 'error', file: 'acme.yaml', line: 12, column: 15,
 *   path: 'triggers[0].when.usage', message: "unknown metric 'invoice'", hint: "did you mean 'invoices'?" }
 */
export interface RulesIssue {
  code: RulesIssueCode
  severity: 'error' | 'warning'
  file?: string
  line: number
  column: number
  /** Where in the rules the problem is, e.g. `triggers[0].when.usage`. Empty for the whole file. */
  path: string
  message: string
  /** How to fix it, when there is something specific to say. */
  hint?: string
}

/** A path as the rules file reads it: `triggers[0].when.usage`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else {
      const name = String(segment)
      out += /^[A-Za-z_$][\w$-]*$/.test(name) ? (out ? '.' : '') + name : `[${JSON.stringify(name)}]`
    }
  }
  return out
}

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' }

/**
 * Compiler-style text, one line per issue (plus an indented hint when there is one).
 * @example
 * formatIssues(issues)
 * // acme.yaml:12:15 error unknown metric 'invoice' — did you mean 'invoices'? (triggers[0].when.usage)
 */
export function formatIssues(issues: readonly RulesIssue[], options: { color?: boolean } = {}): string {
  const paint = (code: keyof typeof ANSI, text: string) => (options.color ? ANSI[code] + text + ANSI.reset : text)
  return issues
    .map((raw) => {
      const issue = { ...raw, message: escapeControl(raw.message), path: escapeControl(raw.path), ...(raw.hint === undefined ? {} : { hint: escapeControl(raw.hint) }), ...(raw.file === undefined ? {} : { file: escapeControl(raw.file) }) }
      const where = [issue.file ?? '<rules>', ...(issue.line > 0 ? [issue.line, issue.column] : [])].join(':')
      const severity = issue.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning')
      const path = issue.path ? ' ' + paint('dim', `(${issue.path})`) : ''
      const suggestion = issue.hint?.startsWith('did you mean') ? ` — ${issue.hint}` : ''
      const hint = issue.hint && !suggestion ? `\n  ${paint('dim', 'hint:')} ${issue.hint}` : ''
      return `${paint('bold', where)} ${severity} ${issue.message}${suggestion}${path}${hint}`
    })
    .join('\n')
}

/** A one-line count, e.g. `2 errors, 1 warning`. */
export function summarizeIssues(issues: readonly RulesIssue[]): string {
  const errors = issues.filter((issue) => issue.severity === 'error').length
  const warnings = issues.length - errors
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return [plural(errors, 'error'), ...(warnings ? [plural(warnings, 'warning')] : [])].join(', ')
}

/**
 * Thrown by APIs that cannot return issues (for example the server's `createHandler` given a bad rules file).
 * @example
 * try { loadRulesOrThrow(text) } catch (error) { if (error instanceof RulesError) console.error(error.issues) }
 */
export class RulesError extends Error {
  override name = 'RulesError'
  readonly issues: RulesIssue[]
  constructor(issues: RulesIssue[], action = 'load rules') {
    const errors = issues.filter((issue) => issue.severity === 'error')
    const first = errors[0] ?? issues[0]
    const reason = first ? `${summarizeIssues(issues)}; first: ${first.message}` : 'no details'
    super(`[nudgekit] Failed to ${action}: ${reason}. Run 'nudgekit validate' on the file for every problem.`)
    this.issues = issues
  }
}

/** An issue before it has a position: where it is (path) and what it says. */
export interface IssueDraft {
  code: RulesIssueCode
  severity?: 'error' | 'warning'
  path: PropertyKey[]
  /** Point at the key (unknown keys) rather than the value. */
  at?: 'key' | 'value'
  message: string
  /** A function when the hint costs work (a suggestion): only issues that get reported compute it. */
  hint?: string | (() => string | undefined)
}
