// fast-check arbitraries of hostile rules files: a real file mutated line by line, random YAML, alias bombs, deep nesting.
import fc from 'fast-check'
import { stringify } from 'yaml'

/** A rules file to feed `loadRules`, and the filename it pretends to have (`.json` switches the parser). */
export interface RulesCase {
  text: string
  filename: string
}

const deep = (open: string, close: string, depth: number, inner = 'x'): string => open.repeat(depth) + inner + close.repeat(depth)

/** An alias bomb: each level lists the previous level's anchor `width` times. */
const aliasBomb = (levels: number, width: number): string => {
  const lines = ['a0: &a0 [lol]']
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`)
  return lines.join('\n')
}

/** Snippets that stress a YAML reader: tags, anchors, merge keys, directives, odd scalars and characters. */
const fragments: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '&anchor value',
    '*anchor',
    '*undefined_alias',
    '<<: *anchor',
    '<<: [*a, *b]',
    '!!binary aGVsbG8=',
    '!!js/function "function () { return 1 }"',
    '!!python/object:os.system [ls]',
    '!!set { a, b }',
    '!!omap [ a: 1, b: 2 ]',
    '!custom-tag value',
    '? [complex, key]\n: value',
    '---',
    '...',
    '%YAML 1.1',
    '%TAG ! tag:example.com,2000:',
    '__proto__: { polluted: true }',
    'constructor: { prototype: { polluted: true } }',
    '"__proto__": [1, 2]',
    'prototype: null',
    '1e309',
    '-1e309',
    '.inf',
    '-.inf',
    '.nan',
    '99999999999999999999999999999999',
    '0x7fffffffffffffffffffff',
    '0o777777777777777777777',
    '-0',
    '0.0000000000000000000000000001',
    '~',
    'null',
    'yes',
    'off',
    '2026-02-30',
    '"\\u0000\\ud800"',
    "'unterminated",
    '"unterminated',
    '{ unclosed: [1, 2',
    '[1, 2}',
    '|\n  literal\n    block',
    '>-\n  folded',
    '\t- tab indented',
    '\uFEFFbom',
    '\u0000',
    '\r\n',
    'key: value: another',
    '- - - nested',
    'javascript:alert(1)',
    "url: 'data:text/html,<script>alert(1)</script>'",
    '{used} {limit} {target.name} {nope} {{double}}',
    '<script>alert(1)</script>',
  ),
  fc.integer({ min: 1, max: 1000 }).map((depth) => deep('[', ']', depth)),
  fc.integer({ min: 1, max: 1000 }).map((depth) => deep('{a: ', '}', depth, '1')),
  fc.integer({ min: 1, max: 400 }).map((depth) => Array.from({ length: depth }, (_, i) => ' '.repeat(i * 2) + 'k:').join('\n')),
  fc.integer({ min: 1_000, max: 100_000 }).map((size) => 'x'.repeat(size)),
  fc.integer({ min: 1_000, max: 20_000 }).map((size) => '9'.repeat(size)),
  fc.tuple(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 2, max: 9 })).map(([levels, width]) => aliasBomb(levels, width)),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
)

type LineEdit = (lines: string[]) => string[]

const at = (lines: readonly string[], index: number): number => (lines.length === 0 ? 0 : index % lines.length)

/** One edit of a file's lines. */
const lineEdit: fc.Arbitrary<LineEdit> = fc.oneof(
  fc.nat().map((i): LineEdit => (lines) => lines.toSpliced(at(lines, i), 1)),
  fc.nat().map((i): LineEdit => (lines) => lines.toSpliced(at(lines, i), 0, lines[at(lines, i)] ?? '')),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): LineEdit => (lines) => {
    const copy = [...lines]
    const [a, b] = [at(lines, i), at(lines, j)]
    ;[copy[a], copy[b]] = [copy[b] ?? '', copy[a] ?? '']
    return copy
  }),
  fc.tuple(fc.nat(), fragments).map(([i, fragment]): LineEdit => (lines) => lines.toSpliced(at(lines, i), 0, fragment)),
  fc.tuple(fc.nat(), fragments).map(([i, fragment]): LineEdit => (lines) =>
    lines.map((line, index) => (index === at(lines, i) ? line.replace(/:\s.*$/, `: ${fragment}`) : line)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([i, shift]): LineEdit => (lines) =>
    lines.map((line, index) => (index !== at(lines, i) ? line : shift > 0 ? ' '.repeat(shift) + line : line.slice(-shift))),
  ),
  fc.nat().map((i): LineEdit => (lines) => lines.slice(0, at(lines, i))),
)

/** Generic data shaped a little like a rules file: the schema's keys with values of any type. */
const rulesShaped: fc.Arbitrary<unknown> = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.jsonValue({ maxDepth: 1 })),
    metrics: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
    plans: fc.array(fc.dictionary(fc.constantFrom('id', 'name', 'price', 'limits', 'features', '__proto__'), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
    triggers: fc.array(fc.dictionary(fc.constantFrom('id', 'when', 'prompt', 'audience', 'frequency', 'experiment', 'priority'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }),
    defaults: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
)

/**
 * Rules files derived from `base` (most of them: 1–6 line edits, sometimes as JSON) and from nothing
 * (random YAML values, rules-shaped data of wrong types, raw fragments, random text).
 * @example fc.sample(rulesCases(readFileSync('examples/rules/acme-crm.yaml', 'utf8')), 3)
 */
export function rulesCases(base: string): fc.Arbitrary<RulesCase> {
  const baseLines = base.split('\n')
  const yaml = (value: unknown) => {
    try {
      return stringify(value)
    } catch {
      return JSON.stringify(value) ?? ''
    }
  }
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.array(lineEdit, { minLength: 1, maxLength: 6 }).map((edits) => ({
        text: edits.reduce((lines, edit) => edit(lines), baseLines).join('\n'),
        filename: 'mutated.yaml',
      })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => ({ text: yaml(value), filename: 'random.yaml' })) },
    { weight: 1, arbitrary: rulesShaped.map((value) => ({ text: yaml(value), filename: 'shaped.yaml' })) },
    { weight: 1, arbitrary: rulesShaped.map((value) => ({ text: JSON.stringify(value), filename: 'shaped.json' })) },
    { weight: 1, arbitrary: fc.array(fragments, { maxLength: 6 }).map((parts) => ({ text: parts.join('\n'), filename: 'fragments.yaml' })) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 400 }).map((text) => ({ text, filename: 'text.yaml' })) },
  )
}
