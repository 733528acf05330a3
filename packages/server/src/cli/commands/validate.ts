// `nudgekit validate <file>`: every problem of a rules file, compiler-style; exit 0 when valid, 1 otherwise.
import { formatIssues, loadRules, summarizeIssues } from '@nudgekit/rules'
import type { Command } from '../command.ts'
import { parseFlags } from '../flags.ts'
import { readRulesFile, useColor } from '../rules-file.ts'
import { UsageError } from '../run.ts'

const help = `Usage: nudgekit validate <file> [options]

Checks a rules file (.yaml, .yml or .json) and prints every problem at once as
file:line:column severity message (path), with a fix hint where there is one.
Exits 0 when the file is valid (warnings allowed), 1 otherwise.

Options:
  --strict           Treat warnings as errors (exit 1 when there are any)
  --format <format>  text (default) or json (the issues as a JSON array)
  --color            Colour the output (default: when stderr is a terminal and NO_COLOR is unset)
  --no-color         Do not colour the output
  -h, --help         Show this help`

const OPTIONS = {
  strict: { type: 'boolean' },
  format: { type: 'string' },
  color: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const validate: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'validate')
  if (values.help) {
    io.out(help)
    return 0
  }
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`Failed to validate: unknown format '${format}'. Use --format text or json.`)
  }
  if (positionals.length !== 1) {
    throw new UsageError(`Failed to validate: ${positionals.length === 0 ? 'no rules file given' : 'more than one file given'}. Run 'nudgekit validate <file>'.`)
  }
  const file = positionals[0]!
  let text: string
  try {
    text = await readRulesFile(file, io, 'validate')
  } catch (error) {
    // A script reading --format json gets JSON whatever went wrong: the file's problem is the result's error.
    if (format !== 'json' || !(error instanceof UsageError)) throw error
    io.out(JSON.stringify({ valid: false, file, error: `[nudgekit] ${error.message}`, issues: [] }, null, 2))
    return 1
  }
  const result = loadRules(text, { filename: file })
  const issues = result.ok ? result.warnings : result.issues
  const failed = !result.ok || (values.strict === true && issues.length > 0)
  if (format === 'json') {
    io.out(JSON.stringify({ valid: !failed, file, issues, ...(result.ok ? { hash: result.compiled.hash } : {}) }, null, 2))
    return failed ? 1 : 0
  }
  if (issues.length > 0) io.err(formatIssues(issues, { color: useColor(values.color, io, process.stderr) }))
  if (failed) {
    const fix = result.ok ? 'Fix the warnings above or drop --strict' : 'Fix the problems above and run it again'
    io.err(`[nudgekit] Failed to validate ${file}: ${summarizeIssues(issues)}. ${fix}.`)
    return 1
  }
  const { compiled } = result as Extract<typeof result, { ok: true }>
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const warnings = issues.length > 0 ? `, ${count(issues.length, 'warning')}` : ''
  io.out(`${file}: valid — ${count(compiled.plans.length, 'plan')}, ${count(compiled.addons.length, 'add-on')}, ${count(compiled.triggers.length, 'trigger')}${warnings} (hash ${compiled.hash.slice(0, 12)})`)
  return 0
}

export default validate
