// Argument parsing for CLI commands: node:util parseArgs with its errors turned into one-line usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './run.ts'

/**
 * `parseArgs` (strict, `--no-x` negation allowed) that throws a `UsageError` naming the command's help.
 * @example const { values, positionals } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } }, 'validate')
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, command: string, action = command) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true, allowNegative: true })
  } catch (error) {
    const reason = (error as Error).message.split('. ')[0]!.replace(/\.$/, '')
    throw new UsageError(`Failed to ${action}: ${reason}. Run 'nudgekit ${command} --help' for the options.`)
  }
}
