// `nudgekit schema`: prints the JSON Schema of the rules file, for editor autocomplete and validation.
import { formatJsonSchema } from '@nudgekit/rules'
import type { Command } from '../command.ts'
import { parseFlags } from '../flags.ts'
import { UsageError } from '../run.ts'

const help = `Usage: nudgekit schema

Prints the JSON Schema (draft-07) of the rules file. Save it and point your editor at it, e.g. with
yaml-language-server, as the first line of the rules file:

  nudgekit schema > nudgekit.schema.json
  # yaml-language-server: $schema=./nudgekit.schema.json

The same schema ships as @nudgekit/rules/schema.json.

Options:
  -h, --help  Show this help`

const schema: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(argv, { help: { type: 'boolean', short: 'h' } }, 'schema', 'print the schema')
  if (positionals.length > 0) throw new UsageError(`Failed to print the schema: unexpected argument '${positionals[0]}'. Run 'nudgekit schema > schema.json'.`)
  io.out(values.help ? help : formatJsonSchema())
  return 0
}

export default schema
