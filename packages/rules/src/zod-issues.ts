// zod's issues → rules issues with messages a PM can act on (unknown keys with suggestions, union branches resolved).
import type { z } from 'zod'
import { DURATION_PATTERN, PERCENT_PATTERN } from './evaluator/duration.ts'
import type { IssueDraft } from './issues.ts'
import { CONDITION_KINDS, conditionSchema, CURRENCY_PATTERN, ID_PATTERN, rulesSchema } from './schema.ts'
import { describeValue, isPlainObject, valueAt } from './raw.ts'
import { currencyHint, DURATION_HINT, missingHint, rangeHint, typeHint } from './shape-hints.ts'
import { didYouMean, suggest } from './suggest.ts'

type ZodIssue = z.core.$ZodIssue
interface SchemaLike {
  _zod: { def: { type: string } & Record<string, unknown> }
}

/** Translates zod's issues for `input` (the raw rules data) into drafts. */
export function fromZodIssues(issues: readonly ZodIssue[], input: unknown): IssueDraft[] {
  const out: IssueDraft[] = []
  for (const issue of issues) translate(issue, [], input, out)
  return out
}

function translate(issue: ZodIssue, prefix: PropertyKey[], input: unknown, out: IssueDraft[]): void {
  const path = [...prefix, ...issue.path]
  const value = valueAt(input, path)
  const last = path[path.length - 1]
  switch (issue.code) {
    case 'invalid_type': {
      if (value === undefined) {
        out.push({ code: 'missing_key', path, message: `missing '${String(last)}'`, ...hinted(missingHint(path, input)) })
        return
      }
      const hint = typeHint(last, value, issue.expected)
      const expected = hint === DURATION_HINT ? 'a duration' : describeExpected(issue.expected)
      out.push({ code: hint === DURATION_HINT ? 'invalid_duration' : 'invalid_type', path, message: `expected ${expected}, got ${describeValue(value)}`, ...(hint ? { hint } : {}) })
      return
    }
    case 'unrecognized_keys': {
      const known = knownKeys(path, input)
      for (const key of issue.keys) {
        if (key === '<<') {
          out.push({ code: 'merge_key', path: [...path, key], at: 'key', message: "YAML merge keys ('<<: *anchor') are not supported", hint: 'repeat the keys here; for frequency, set shared values once under defaults.frequency' })
          continue
        }
        out.push({
          code: 'unknown_key',
          path: [...path, key],
          at: 'key',
          message: `unknown key '${key}'${path.length ? ` in ${describePlace(path)}` : ''}`,
          hint: () => didYouMean(key, known) ?? belongsUnder(key, path, input) ?? `allowed here: ${known.join(', ')}`,
        })
      }
      return
    }
    case 'invalid_value': {
      if (value === undefined) {
        out.push({ code: 'missing_key', path, message: `missing '${String(last)}'`, ...hinted(missingHint(path, input)) })
        return
      }
      if (path.length === 1 && path[0] === 'version') {
        out.push({ code: 'invalid_value', path, message: `unsupported version ${describeValue(value)}`, hint: 'this nudgekit reads `version: 1`' })
        return
      }
      const allowed = issue.values.map((v) => String(v))
      const match = typeof value === 'string' ? suggest(value, allowed) : undefined
      out.push({
        code: 'invalid_value',
        path,
        message: `expected ${allowed.map((v) => `'${v}'`).join(' | ')}, got ${describeValue(value)}`,
        ...(match ? { hint: `did you mean '${match}'?` } : {}),
      })
      return
    }
    case 'invalid_format': {
      const pattern = issue.pattern ?? ''
      if (pattern === String(DURATION_PATTERN)) out.push({ code: 'invalid_duration', path, message: `invalid duration ${describeValue(value)}`, hint: DURATION_HINT })
      else if (pattern === String(PERCENT_PATTERN)) out.push({ code: 'invalid_percent', path, message: `invalid percentage ${describeValue(value)}`, hint: "write a number and a percent sign, e.g. '80%'" })
      else if (pattern === String(CURRENCY_PATTERN)) out.push({ code: 'invalid_value', path, message: `invalid currency ${describeValue(value)}: expected an ISO 4217 code like USD`, hint: currencyHint(value) })
      else if (pattern === String(ID_PATTERN)) out.push({ code: 'invalid_id', path, message: `invalid id ${describeValue(value)}`, hint: 'ids use letters, digits, _ and - and start with a letter or digit' })
      else out.push({ code: 'invalid_value', path, message: `invalid value ${describeValue(value)}: ${issue.message}` })
      return
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum)
      let message: string
      if (issue.origin === 'array') message = bound === 1 && issue.code === 'too_small' ? 'must not be empty' : `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} items`
      else if (issue.origin === 'string') message = bound === 1 && issue.code === 'too_small' ? 'must not be empty' : `must be at most ${bound} characters`
      else message = `must be ${issue.code === 'too_small' ? (issue.inclusive === false ? '>' : '≥') : issue.inclusive === false ? '<' : '≤'} ${bound}, got ${describeValue(value)}`
      out.push({ code: 'out_of_range', path, message, ...hinted(rangeHint(path, issue.origin, issue.code, input)) })
      return
    }
    case 'invalid_key': {
      const key = String(last)
      out.push({ code: 'invalid_id', path, at: 'key', message: `invalid id '${key}'`, hint: 'ids use letters, digits, _ and - and start with a letter or digit' })
      return
    }
    case 'invalid_union':
      translateUnion(issue, path, value, input, out)
      return
    default:
      out.push({ code: 'invalid_value', path, message: issue.message })
  }
}

function translateUnion(issue: Extract<ZodIssue, { code: 'invalid_union' }>, path: PropertyKey[], value: unknown, input: unknown, out: IssueDraft[]): void {
  const schema = schemaAt(path, input, 'keep')
  const isCondition = schema !== undefined && unwrap(schema) === unwrap(conditionSchema as unknown as SchemaLike)
  if (value === undefined) {
    out.push({ code: 'missing_key', path, message: `missing '${String(path[path.length - 1])}'`, ...hinted(missingHint(path, input)) })
    return
  }
  if (!isPlainObject(value)) {
    out.push({
      code: 'invalid_type',
      path,
      message: isCondition ? `expected a condition, got ${describeValue(value)}` : `${issue.message}, got ${describeValue(value)}`,
      ...(isCondition ? { hint: 'a condition is a map such as { usage: contacts, at_least: 80% }' } : {}),
    })
    return
  }
  const options = unionOptions(schema)
  const keys = Object.keys(value)
  const scores = options.map((option) => {
    const shape = objectShape(option)
    return shape ? keys.filter((key) => key in shape).length : 0
  })
  const best = Math.max(0, ...scores)
  const winners = scores.flatMap((score, index) => (score === best && best > 0 ? [index] : []))
  if (winners.length === 1 && issue.errors[winners[0]!]) {
    for (const inner of issue.errors[winners[0]!]!) translate(inner, path, input, out)
    return
  }
  if (isCondition) {
    const kinds = keys.filter((key) => (CONDITION_KINDS as readonly string[]).includes(key))
    if (kinds.length > 1) {
      out.push({ code: 'ambiguous_condition', path, message: `a condition has one kind, this one has ${kinds.map((k) => `'${k}'`).join(' and ')}`, hint: 'combine conditions with all: [ … ] or any: [ … ]' })
      return
    }
    if (keys.length === 0) {
      out.push({ code: 'unknown_condition', path, message: 'empty condition', hint: `use one of ${CONDITION_KINDS.join(', ')}` })
      return
    }
    for (const key of keys) {
      const match = suggest(key, CONDITION_KINDS)
      out.push({ code: 'unknown_condition', path: [...path, key], at: 'key', message: `unknown condition '${key}'`, hint: match ? `did you mean '${match}'?` : `use one of ${CONDITION_KINDS.join(', ')}` })
    }
    return
  }
  out.push({ code: 'invalid_value', path, message: `${issue.message}, got ${describeValue(value)}` })
}

function hinted(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint }
}

function knownKeys(path: PropertyKey[], input: unknown): string[] {
  const schema = schemaAt(path, input, 'pick')
  const shape = schema ? objectShape(schema) : undefined
  return shape ? Object.keys(shape) : []
}

/**
 * The schema that validates the value at `path`, choosing union branches by the keys the values have;
 * `keep` leaves a union at the end of the path as it is.
 */
function schemaAt(path: PropertyKey[], input: unknown, branch: 'pick' | 'keep'): SchemaLike | undefined {
  let schema: SchemaLike | undefined = rulesSchema as unknown as SchemaLike
  for (let i = 0; i <= path.length && schema; i++) {
    if (i === path.length) return branch === 'pick' ? pickBranch(unwrap(schema), valueAt(input, path)) : schema
    schema = pickBranch(unwrap(schema), valueAt(input, path.slice(0, i)))
    const def: Record<string, unknown> & { type: string } = schema._zod.def
    const segment = path[i]!
    if (def.type === 'object') schema = (def.shape as Record<string, SchemaLike>)[String(segment)]
    else if (def.type === 'array') schema = def.element as SchemaLike
    else if (def.type === 'record') schema = def.valueType as SchemaLike
    else schema = undefined
  }
  return schema
}

function unwrap(schema: SchemaLike): SchemaLike {
  let current = schema
  for (;;) {
    const def = current._zod.def
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly') current = def.innerType as SchemaLike
    else if (def.type === 'lazy') current = (def.getter as () => SchemaLike)()
    else if (def.type === 'pipe') current = def.in as SchemaLike
    else return current
  }
}

function pickBranch(schema: SchemaLike, value: unknown): SchemaLike {
  if (schema._zod.def.type !== 'union' || !isPlainObject(value)) return schema
  const keys = Object.keys(value)
  let best = schema
  let bestScore = 0
  for (const option of unionOptions(schema)) {
    const shape = objectShape(option)
    const score = shape ? keys.filter((key) => key in shape).length : 0
    if (score > bestScore) {
      best = unwrap(option)
      bestScore = score
    }
  }
  return best
}

function unionOptions(schema: SchemaLike | undefined): SchemaLike[] {
  const resolved = schema ? unwrap(schema) : undefined
  return resolved?._zod.def.type === 'union' ? (resolved._zod.def.options as SchemaLike[]) : []
}

function objectShape(schema: SchemaLike): Record<string, unknown> | undefined {
  const resolved = unwrap(schema)
  return resolved._zod.def.type === 'object' ? (resolved._zod.def.shape as Record<string, unknown>) : undefined
}

/**
 * For a key that is unknown where it is but known one level down (`placement` written beside `prompt` instead
 * of under it, a common indentation slip): the hint that says where it goes.
 * @example belongsUnder('placement', ['triggers', 0], input) // "'placement' belongs under 'prompt': indent it below prompt:"
 */
function belongsUnder(key: string, path: PropertyKey[], input: unknown): string | undefined {
  const shape = objectShape(schemaAt(path, input, 'pick') ?? (rulesSchema as unknown as SchemaLike))
  for (const [child, schema] of Object.entries(shape ?? {})) {
    const inner = unwrap(schema as SchemaLike)
    const options = inner._zod.def.type === 'union' ? unionOptions(inner) : [inner]
    if (options.some((option) => key in (objectShape(option) ?? {}))) return `'${key}' belongs under '${child}': indent it below ${child}:`
  }
  return undefined
}

function describeExpected(expected: string): string {
  const names: Record<string, string> = { object: 'a map', record: 'a map', array: 'a list', string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false' }
  return names[expected] ?? expected
}

function describePlace(path: PropertyKey[]): string {
  const named = [...path].reverse().find((segment) => typeof segment === 'string')
  return named === undefined ? 'this item' : `'${String(named)}'`
}
