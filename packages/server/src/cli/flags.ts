// Argument parsing for CLI commands: node:util parseArgs with its errors turned into one-line usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './run.ts'

/**
 * `parseArgs` (strict, `--no-x` negation allowed, positionals unless `positionals` is false) that throws a
 * one-line `UsageError` naming the command's help: "Failed to <action>: <first sentence of the problem>."
 * @example const { values, positionals } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } }, 'validate')
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string, action = command, positionals = true) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals, allowNegative: true })
  } catch (error) {
    throw new UsageError(`Failed to ${action}: ${reason((error as Error).message)}. Run 'nudgekit ${command} --help' for the options.`)
  }
}

/**
 * The first sentence of a parseArgs message, or for an option left without its value ("argument is
 * ambiguous" when the next argument is another option, "argument missing" at the end), that it needs one.
 * @example reason("Option '--port' argument is ambiguous.\nDid you forget …") // "option '--port' needs a value"
 */
function reason(message: string): string {
  const valueless = /'(?:-\w, )?(--?[\w-]+)[^']*' argument (?:is ambiguous|missing)/.exec(message)
  return valueless ? `option '${valueless[1]}' needs a value` : message.split(/\.\s/)[0]!.replace(/\.$/, '')
}
