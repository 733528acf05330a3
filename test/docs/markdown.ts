// The fenced code blocks of a Markdown file, each with its position and the `<!-- snippet: … -->` lines above it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export type Directive =
  | { kind: 'continues'; line: number }
  | { kind: 'assumes'; line: number; code: string; indent: number }
  | { kind: 'skip'; line: number; reason: string }

export interface Block {
  /** The README's path from the repository root, as errors name it. */
  readme: string
  /** 1-based line of the opening fence. */
  fence: number
  /** 1-based line of the first line of code (the one after the fence). */
  line: number
  /** Columns of indentation removed from each line of code (a block in a list item). */
  indent: number
  lang: string
  code: string
  directives: Directive[]
}

const OPEN = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/
const DIRECTIVE = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/

/**
 * Every fenced block of `readme` (indented fences in list items included, their indent removed).
 * @example readBlocks('/repo', 'README.md')[0] // { readme: 'README.md', fence: 18, line: 19, lang: 'sh', … }
 */
export function readBlocks(root: string, readme: string): Block[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!)
    if (!open) continue
    const [, indent = '', fence = '', lang = ''] = open
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    let end = i + 1
    while (end < lines.length && !close.test(lines[end]!)) end++
    const code = lines.slice(i + 1, end).map((text) => text.startsWith(indent) ? text.slice(indent.length) : text.trimStart())
    blocks.push({
      readme, fence: i + 1, line: i + 2, indent: indent.length, lang, code: code.join('\n'), directives: directivesAbove(lines, i, readme),
    })
    i = end
  }
  return blocks
}

/** The directive comments on the lines right above the fence at index `fence`, top to bottom. */
function directivesAbove(lines: string[], fence: number, readme: string): Directive[] {
  const directives: Directive[] = []
  for (let i = fence - 1; i >= 0; i--) {
    const match = DIRECTIVE.exec(lines[i]!)
    if (!match) break
    const text = match[1]!
    const line = i + 1
    const [word = '', rest = ''] = text.split(/\s+(.*)/s)
    if (word === 'continues' && rest === '') directives.unshift({ kind: 'continues', line })
    else if (word === 'assumes' && rest !== '') directives.unshift({ kind: 'assumes', line, code: rest, indent: lines[i]!.indexOf(rest) })
    else if (word === 'skip' && rest !== '') directives.unshift({ kind: 'skip', line, reason: rest })
    else throw new Error(`${readme}:${line}: unknown snippet directive '${text}'. Use 'continues', 'assumes <declarations>' or 'skip <reason>'.`)
  }
  return directives
}
