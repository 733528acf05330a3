// Rules text (YAML or JSON) → plain data plus a locator mapping any path back to line:column. Never throws.
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml'
import { formatPath, type RulesIssue } from './issues.ts'

/** Rules files larger than this are refused before parsing. */
export const MAX_RULES_BYTES = 1024 * 1024
/** YAML aliases a file may expand; more is refused as a likely alias bomb. */
export const MAX_ALIASES = 100
/** Deepest nesting of maps and lists; deeper is refused before schema checks (it would only be an attack). */
export const MAX_DEPTH = 64
/** Brackets nested this deep are refused before parsing: the YAML parser slows down far beyond it. */
const MAX_BRACKET_DEPTH = 1000
/**
 * Lines plus commas (an upper bound on entries) allowed in a file. Parsing costs a few microseconds per
 * entry, so this keeps any file under a second; a hand-written rules file is far below it.
 */
export const MAX_ENTRIES = 30_000

export interface SourcePosition {
  line: number
  column: number
}

export interface ParsedRules {
  /** The data, or `undefined` when the text could not be parsed (then `issues` says why). */
  value: unknown
  issues: RulesIssue[]
  /** Where a path sits in the text: the value (or the key, for `at: 'key'`); the nearest existing ancestor otherwise. */
  locate(path: readonly PropertyKey[], at?: 'key' | 'value'): SourcePosition
}

export interface ParseOptions {
  filename?: string
  /** Default: from the filename (`.json` → JSON), else YAML. */
  format?: 'yaml' | 'json'
}

const START: SourcePosition = { line: 1, column: 1 }

/**
 * Parses rules text, keeping source positions.
 * @example
 * const { value, issues, locate } = parseRulesText(text, { filename: 'acme.yaml' })
 * locate(['triggers', 0, 'when', 'usage']) // { line: 12, column: 15 }
 */
export function parseRulesText(text: string, options: ParseOptions = {}): ParsedRules {
  const issue = (code: RulesIssue['code'], message: string, hint?: string, at = START): RulesIssue => ({
    code,
    severity: 'error',
    ...(options.filename === undefined ? {} : { file: options.filename }),
    line: at.line,
    column: at.column,
    path: '',
    message,
    ...(hint === undefined ? {} : { hint }),
  })
  const failed = (issues: RulesIssue[]): ParsedRules => ({ value: undefined, issues, locate: () => START })
  if (typeof text !== 'string') return failed([issue('invalid_type', 'the rules are not text')])
  // Editors on Windows save UTF-8 with a byte order mark; JSON.parse and the YAML parser would choke on it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // No text editor writes NUL; a file with one is a binary (a database, an executable), not rules.
  if (text.includes('\0')) return failed([issue('not_text', 'the file is not a text file (it contains NUL bytes)', 'pass the .yaml or .json rules file, not a binary such as the database')])
  if (text.length > MAX_RULES_BYTES || utf8Length(text) > MAX_RULES_BYTES) {
    return failed([
      issue('file_too_large', `the file is ${formatSize(utf8Length(text))}, over the 1 MB limit`, 'split the copy into fewer, shorter triggers; a rules file is configuration, not data'),
    ])
  }
  if (text.trim() === '') return failed([issue('empty_file', 'the file is empty', 'start with `version: 1` and a `plans:` list')])
  if (entryCount(text) > MAX_ENTRIES) {
    return failed([issue('file_too_large', `the file has more than ${MAX_ENTRIES.toLocaleString('en-US')} lines and list entries`, 'a rules file lists the plans and triggers you ship; keep data such as accounts out of it')])
  }
  if (bracketDepth(text) > MAX_BRACKET_DEPTH) {
    return failed([issue('too_deep', `the file nests brackets more than ${MAX_BRACKET_DEPTH} levels deep`, `keep nesting under ${MAX_DEPTH} levels`)])
  }
  const json = options.format === 'json' || (options.format === undefined && /\.json$/i.test(options.filename ?? ''))
  try {
    return json ? parseJson(text, issue, options.filename) : parseYaml(text, issue)
  } catch (error) {
    if (error instanceof RangeError || /call stack/i.test(String(error))) return failed([issue('too_deep', 'the file nests too deeply to read', `keep nesting under ${MAX_DEPTH} levels`)])
    return failed([issue('syntax_error', `the file could not be read: ${error instanceof Error ? error.message : String(error)}`)])
  }
}

type MakeIssue = (code: RulesIssue['code'], message: string, hint?: string, at?: SourcePosition) => RulesIssue

function parseYaml(text: string, issue: MakeIssue): ParsedRules {
  const lineCounter = new LineCounter()
  // Unique keys are checked below in one pass: the parser's own check is quadratic in the size of a map. The
  // library's warnings go nowhere (logLevel 'error'): a map or list as a key is reported below as an issue, not
  // printed by Node on stderr.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2', logLevel: 'error' })
  const position = (offset: number) => toPosition(lineCounter, offset)
  const locate = createLocator(doc, position)
  if (doc.errors.length > 0) return { value: undefined, issues: yamlSyntaxIssues(text, doc.errors, position, issue), locate }
  const warnings: RulesIssue[] = doc.warnings.map((warning) => ({
    ...issue('syntax_error', firstLine(warning.message), undefined, position(warning.pos[0])),
    severity: 'warning' as const,
  }))
  if (doc.contents === null) return { value: undefined, issues: [issue('empty_file', 'the file has no content, only comments', 'start with `version: 1` and a `plans:` list')], locate }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES })
  } catch (error) {
    // Only an unresolved alias needs the walk below: an alias bomb's error says so in other words.
    const unknown = error instanceof ReferenceError && /unresolved alias/i.test(error.message) ? unknownAnchors(doc, position, issue) : []
    if (unknown.length > 0) return { value: undefined, issues: unknown, locate }
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return {
        value: undefined,
        issues: [issue('too_many_aliases', `the file expands YAML aliases more than ${MAX_ALIASES} times`, 'repeat the values instead of using *aliases')],
        locate,
      }
    }
    throw error
  }
  const checked = checkDepth(value, issue)
  return { value: checked.value, issues: [...warnings, ...checked.issues, ...keyIssues(doc, position, issue)], locate }
}

function parseJson(text: string, issue: MakeIssue, filename?: string): ParsedRules {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const yaml = firstYamlKey(text)
    if (yaml !== undefined) {
      const named = /\.json$/i.test(filename ?? '')
      const said = `the file is ${named ? 'named .json' : 'read as JSON'} but looks like YAML (it starts with '${yaml.key}:')`
      const hint = `${named ? `rename it to ${filename!.replace(/^.*[\\/]/, '').replace(/\.json$/i, '.yaml')}` : "read it with format: 'yaml'"}, or write it as JSON`
      return { value: undefined, issues: [issue('syntax_error', said, hint, { line: yaml.line, column: 1 })], locate: () => START }
    }
    return { value: undefined, issues: [issue('syntax_error', `invalid JSON: ${cleanJsonMessage(message)}`, undefined, jsonErrorPosition(text, message))], locate: () => START }
  }
  const checked = checkDepth(value, issue)
  if (checked.value === undefined) return { ...checked, locate: () => START }
  // JSON is YAML 1.2, so the YAML parser gives positions; the JSON value stays the truth.
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2' })
  if (doc.errors.length > 0) return { value, issues: [], locate: () => START }
  const position = (offset: number) => toPosition(lineCounter, offset)
  return { value, issues: keyIssues(doc, position, issue), locate: createLocator(doc, position) }
}

/**
 * The first key of text that is not JSON but reads as a YAML map: its first line that is not blank, a comment or
 * `---` starts with a bare key and a colon. JSON starts with { or [, so a file like this was written as YAML.
 * @example firstYamlKey('# Acme\nversion: 1\n') // { key: 'version', line: 2 }
 */
function firstYamlKey(text: string): { key: string; line: number } | undefined {
  const lines = text.split('\n', 50)
  const index = lines.findIndex((line) => !/^\s*(#.*|---\s*)?\r?$/.test(line))
  const key = index < 0 ? undefined : /^([A-Za-z_$][\w$-]*)\s*:(\s|$)/.exec(lines[index]!)?.[1]
  return key === undefined ? undefined : { key, line: index + 1 }
}

/** V8 gives an offset for some JSON errors only; the YAML parser finds the others. */
function jsonErrorPosition(text: string, message: string): SourcePosition {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, version: '1.2' })
  const at = /position (\d+)/.exec(message)
  const offset = at ? Number(at[1]) : doc.errors[0]?.pos[0]
  return offset === undefined ? START : toPosition(lineCounter, offset)
}

function cleanJsonMessage(message: string): string {
  return firstLine(message.replace(/, (\.\.\.)?".*$/s, '').replace(/ in JSON at position.*$/, ''))
}

/** A YAML parser error as the library reports it: its code and offsets. */
interface YamlSyntaxError {
  code: string
  message: string
  pos: [number, number]
}

/**
 * The parser's errors as issues a PM can act on: one per line (later errors on a line are knock-on effects),
 * only the tab errors when there are any (they derail everything after them), sorted by position, with a hint
 * for the usual causes: tabs, and unquoted text that starts with { or contains ': '.
 */
function yamlSyntaxIssues(text: string, errors: readonly YamlSyntaxError[], position: (offset: number) => SourcePosition, issue: MakeIssue): RulesIssue[] {
  const tabs = errors.filter((error) => error.code === 'TAB_AS_INDENT')
  if (tabs.length > 0) {
    const more = tabs.length > 1 ? ` (and ${tabs.length - 1} more line${tabs.length > 2 ? 's' : ''})` : ''
    return [issue('syntax_error', `a tab indents this line${more}`, 'indent with spaces: YAML does not allow tabs', position(tabs[0]!.pos[0]))]
  }
  const lines = text.split('\n')
  const byLine = new Map<number, RulesIssue>()
  for (const error of errors) {
    const at = position(error.pos[0])
    // After a first error the parser may lose the structure and reject every later token "in YAML stream".
    if (byLine.has(at.line) || (byLine.size > 0 && /in YAML stream/.test(error.message))) continue
    const found = syntaxIssue(issue, error.message, at)
    const hint = found.code === 'syntax_error' ? syntaxHint(lines[at.line - 1] ?? '', error.code) : undefined
    byLine.set(at.line, hint ? { ...found, hint } : found)
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line || a.column - b.column)
}

/** What usually causes a parser error on this line, when the line shows it. */
function syntaxHint(line: string, code: string): string | undefined {
  const value = /^\s*(?:-\s+)?[\w$-]+:\s+(.*)$/.exec(line)?.[1] ?? ''
  if (/^\{[a-z_.]+\}/i.test(value)) return `quote text that starts with {, e.g. "${value.replace(/\s+#.*$/, '').replace(/"/g, '\\"')}"`
  if (/^\{.*:\s+[^"'\s{[][^,{}]*\{/.test(value)) return 'inside { … }, quote values that contain { or }, e.g. url: "/billing/upgrade?plan={target.id}"'
  if (code === 'BLOCK_AS_IMPLICIT_KEY' || /^[^"'{[][^#]*:\s/.test(value)) return `quote text that contains ': ', e.g. "${value.replace(/\s+#.*$/, '').replace(/"/g, '\\"')}"`
  if (code === 'UNEXPECTED_TOKEN' || code === 'MULTILINE_IMPLICIT_KEY') return "quote text that starts with { or [ or contains ': '; check the indentation of the lines above"
  // A key indented by a different number of spaces than the keys of its map (a list item's keys line up
  // with the first one, after '- ').
  if (code === 'BAD_INDENT' || (code === 'MISSING_CHAR' && /^\s+[\w$-]+:/.test(line))) {
    return "indent this key with as many spaces as the other keys of its map, or start a new list item with '- '"
  }
  return undefined
}

/**
 * Aliases (`*name`) with no anchor (`&name`) before them: the parser only says "unresolved alias". One walk in
 * document order, remembering the anchors seen so far (`alias.resolve` would search the document per alias).
 */
function unknownAnchors(doc: Document, position: (offset: number) => SourcePosition, issue: MakeIssue): RulesIssue[] {
  const out: RulesIssue[] = []
  const anchors = new Set<string>()
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      if (anchors.has(node.source)) return
      const at = node.range?.[0]
      out.push(issue('unknown_anchor', `unknown anchor '${node.source}'`, `define it with &${node.source} before this alias, or write the value here`, at === undefined ? START : position(at)))
    } else if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.add(node.anchor)
  })
  return out
}

function syntaxIssue(issue: MakeIssue, message: string, at: SourcePosition): RulesIssue {
  if (/call stack/i.test(message)) return issue('too_deep', 'the file nests too deeply to read', `keep nesting under ${MAX_DEPTH} levels`, at)
  const text = firstLine(message)
  return issue('syntax_error', text.charAt(0).toLowerCase() + text.slice(1), undefined, at)
}

/**
 * Keys that appear twice in one map (all but the last would be silently ignored) and keys that are maps or
 * lists (YAML allows them; a rules file has no use for them, and they would be turned into text): errors.
 */
function keyIssues(doc: Document, position: (offset: number) => SourcePosition, issue: MakeIssue): RulesIssue[] {
  const out: RulesIssue[] = []
  const stack: [unknown, PropertyKey[]][] = [[doc.contents, []]]
  while (stack.length > 0) {
    const [node, path] = stack.pop()!
    if (isMap(node)) {
      const seen = new Set<string>()
      for (const pair of node.items) {
        const name = keyName(pair.key)
        if (isCollection(pair.key)) {
          const at = pair.key.range?.[0]
          out.push({ ...issue('syntax_error', `a key is a YAML ${isMap(pair.key) ? 'map' : 'list'}`, 'write a key as a plain name, such as `contacts:`', at === undefined ? START : position(at)), path: formatPath(path) })
        }
        if (seen.has(name)) {
          const at = isScalar(pair.key) || isCollection(pair.key) ? pair.key.range?.[0] : undefined
          out.push({ ...issue('duplicate_key', `duplicate key '${name}'`, 'a key appears once per map; all but the last would be ignored', at === undefined ? START : position(at)), path: formatPath([...path, name]) })
        }
        seen.add(name)
        stack.push([pair.value, [...path, name]])
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => stack.push([item, [...path, index]]))
    }
  }
  return out
}

function entryCount(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x0a || code === 0x2c) count++
  }
  return count
}

function bracketDepth(text: string): number {
  let depth = 0
  let deepest = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x5b || code === 0x7b) deepest = Math.max(deepest, ++depth)
    else if ((code === 0x5d || code === 0x7d) && depth > 0) depth--
  }
  return deepest
}

function checkDepth(value: unknown, issue: MakeIssue): { value: unknown; issues: RulesIssue[] } {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!
    if (current === null || typeof current !== 'object') continue
    if (depth > MAX_DEPTH) return { value: undefined, issues: [issue('too_deep', `the file nests deeper than ${MAX_DEPTH} levels`, 'flatten the conditions')] }
    for (const child of Object.values(current)) stack.push([child, depth + 1])
  }
  return { value, issues: [] }
}

function createLocator(doc: Document, position: (offset: number) => SourcePosition): ParsedRules['locate'] {
  // Pairs by key, built once per map on first use: a file with many issues in one big map stays linear.
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>()
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map)
    if (!index) {
      index = new Map()
      for (const item of map.items) {
        const name = keyName(item.key)
        if (!index.has(name)) index.set(name, item)
      }
      indexes.set(map, index)
    }
    return index.get(key)
  }
  return (path, at = 'value') => {
    let node: unknown = doc.contents
    let key: Node | undefined
    let found = true
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc)
      if (isMap(node)) {
        const pair = pairOf(node, String(segment))
        if (!pair) {
          found = false
          break
        }
        key = isScalar(pair.key) || isCollection(pair.key) ? pair.key : undefined
        if (pair.value === null && key) {
          node = key
          continue
        }
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        key = undefined
        node = node.items[segment]
      } else {
        found = false
        break
      }
    }
    const target = found && at === 'key' && key ? key : (node as Node | null)
    const offset = target?.range?.[0]
    return offset === undefined ? START : position(offset)
  }
}

function keyName(key: unknown): string {
  if (isScalar(key)) return String(key.value)
  return String(key)
}

function toPosition(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset)
  return line === 0 ? { line: 1, column: offset + 1 } : { line, column: col }
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '')
}

function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`
}
