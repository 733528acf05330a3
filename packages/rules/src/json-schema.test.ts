import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatJsonSchema, rulesJsonSchema } from './json-schema.ts'

describe('JSON Schema', () => {
  it('matches the committed schema.json (run `pnpm schema` after changing the zod schema)', () => {
    expect(readFileSync(new URL('../schema.json', import.meta.url), 'utf8')).toBe(formatJsonSchema())
  })

  it('describes the file for editors: draft-07, title, no unknown keys, conditions as a definition', () => {
    const schema = rulesJsonSchema() as { $schema: string; title: string; additionalProperties: boolean; required: string[]; definitions: Record<string, unknown> }
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(schema.title).toBe('nudgekit rules file')
    expect(schema.additionalProperties).toBe(false)
    expect(schema.required).toEqual(['version', 'plans'])
    expect(Object.keys(schema.definitions).sort()).toEqual(['Condition', 'NotCondition'])
  })
})
