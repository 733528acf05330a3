// Reads a README's shell block into commands, and checks that each `pnpm <script>` names a script that exists.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Block } from './markdown.ts'

export const SHELL_LANGS = new Set(['sh', 'shell', 'bash', 'console'])

export interface ShellCommand {
  words: string[]
  /** README line the command starts on. */
  line: number
  /** The full-line comments right below the command: what it prints, as the README shows it. */
  output: string[]
}

/**
 * The commands of a shell block: `\` continuations joined, quotes removed, split at `&&`, `||`, `|` and `;`,
 * redirections and leading `NAME=value` assignments dropped.
 * @example parseShell(block)[0] // { words: ['npx', 'pnpm', 'demo'], line: 19, output: [] }
 */
export function parseShell(block: Block): ShellCommand[] {
  const commands: ShellCommand[] = []
  const lines = block.code.split('\n')
  let last: ShellCommand | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = block.line + i
    let text = lines[i]!
    if (/^\s*#/.test(text)) {
      last?.output.push(text.replace(/^\s*# ?/, ''))
      continue
    }
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + ' ' + lines[++i]!
    const found = splitCommands(tokenize(text)).map((words) => ({ words, line, output: [] }))
    commands.push(...found)
    last = found.at(-1)
  }
  return commands
}

type Token = { word: string } | { op: string }

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let word: string | undefined
  const flush = () => {
    if (word !== undefined) tokens.push({ word })
    word = undefined
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (char === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new Error(`unterminated ' in: ${text}`)
      word = (word ?? '') + text.slice(i + 1, end)
      i = end
    } else if (char === '"') {
      let value = ''
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) i++
        value += text[i]
      }
      word = (word ?? '') + value
    } else if (char === '\\') {
      word = (word ?? '') + (text[++i] ?? '')
    } else if (/\s/.test(char)) {
      flush()
    } else if (char === '#' && word === undefined) {
      break
    } else {
      const op = /^(&&|\|\||>>|[|;&<>])/.exec(text.slice(i))?.[0]
      if (op === undefined) {
        word = (word ?? '') + char
        continue
      }
      flush()
      tokens.push({ op })
      i += op.length - 1
    }
  }
  flush()
  return tokens
}

function splitCommands(tokens: Token[]): string[][] {
  const commands: string[][] = [[]]
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if ('word' in token) commands.at(-1)!.push(token.word)
    else if (['>', '>>', '<'].includes(token.op)) i++
    else commands.push([])
  }
  return commands
    .map((words) => words.slice(words.findIndex((word) => !/^[A-Za-z_]\w*=/.test(word))))
    .filter((words) => words.length > 0)
}

/** pnpm's own commands that READMEs use; any other first argument must be a script. */
const PNPM_COMMANDS = new Set(['install', 'i', 'add', 'exec', 'dlx', 'pack'])

/**
 * For `pnpm …` or `npx [-y] pnpm[@12] …`: a problem when it runs a script that neither the root package.json nor
 * the README's own package.json has (READMEs' commands run at the repository root), else the arguments of the
 * CLI when the script is `nudgekit`. Undefined for a command that is not pnpm.
 * @example pnpmCommand(root, 'README.md', ['npx', 'pnpm', 'nudgekit', 'validate', 'x.yaml']) // { cli: ['validate', 'x.yaml'] }
 */
export function pnpmCommand(root: string, readme: string, words: string[]): { problem: string } | { cli: string[] } | { ok: true } | undefined {
  let args = words
  if (args[0] === 'npx') {
    args = args.slice(1)
    while (args[0]?.startsWith('-')) args = args.slice(1)
  }
  if (!/^pnpm(@\S+)?$/.test(args[0] ?? '')) return undefined
  const [name = '', ...rest] = args.slice(1)
  if (PNPM_COMMANDS.has(name)) return { ok: true }
  const [script = '', ...scriptArgs] = name === 'run' ? rest : [name, ...rest]
  const manifests = [join(root, 'package.json'), join(root, dirname(readme), 'package.json')]
  const scripts = new Set(manifests.filter(existsSync).flatMap((path) => Object.keys(readScripts(path))))
  if (!scripts.has(script)) {
    return { problem: `'pnpm ${script}' is no script of ${readme === 'README.md' ? 'package.json' : `package.json or ${dirname(readme)}/package.json`} (and no pnpm command)` }
  }
  return script === 'nudgekit' ? { cli: scriptArgs } : { ok: true }
}

function readScripts(path: string): Record<string, string> {
  return (JSON.parse(readFileSync(path, 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {}
}
