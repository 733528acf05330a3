// The JSON Schema of the rules file, generated from the zod schema, for editors and other languages.
import { z } from 'zod'
import { rulesSchema } from './schema.ts'

/**
 * JSON Schema (draft-07, which every editor understands) of the rules file.
 * @example
 * // first line of a rules file, for autocomplete in editors using yaml-language-server:
 * // # yaml-language-server: $schema=./node_modules/@nudgekit/rules/schema.json
 * const schema = rulesJsonSchema()
 */
export function rulesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(rulesSchema, { target: 'draft-07', unrepresentable: 'any' })
}

/** The JSON Schema as the committed `schema.json` holds it: two-space indented, newline-terminated. */
export function formatJsonSchema(): string {
  return JSON.stringify(rulesJsonSchema(), null, 2) + '\n'
}
