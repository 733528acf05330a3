// The READMEs' code blocks checked against the code, so that what new users copy still works.
//
// Every fenced block of README.md and packages/*/README.md is checked according to its language:
// - ts, tsx, js: typechecked in one TypeScript program with tsconfig.json (strict, `@nudgekit/source` condition),
//   each block a module of its own; a block importing react gets React's JSX runtime, the others Preact's.
// - yaml: a rules file, or part of one, validated by @nudgekit/rules with neither errors nor warnings; the
//   top-level keys a block leaves out come from a minimal base, so `plans:` or `version: 1` alone is checked too.
// - sh: `pnpm <script>` and `npx pnpm <script>` name a script of package.json; `nudgekit <command> …` (also as
//   `pnpm nudgekit …`) goes through the CLI's own parser: validate, simulate and schema run for real, and the
//   comment lines right under such a command are output it must print (`...` stands for anything); `curl` calls a
//   route of the API with a body its zod schema accepts, and the answer shown under it has the route's keys.
// - nginx: a proxy's config, nothing of ours. Any other language fails until it gets a check here (or a skip).
//
// A block that is not complete on its own says so in an HTML comment right above its fence (GitHub hides it):
//   <!-- snippet: continues -->               part of the README's previous script block (uses its `nudge`)
//   <!-- snippet: assumes <declarations> -->  TypeScript put before the block for what the host app provides,
//                                             e.g. `declare function openCheckout(plan?: string): void`
//   <!-- snippet: skip <reason> -->           not checked
// Use them sparingly: a block that can be copied as it is needs none.
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { checkCli } from './cli.ts'
import { checkCurl } from './http.ts'
import { readBlocks, type Block } from './markdown.ts'
import { checkRulesBlock, YAML_LANGS } from './rules-yaml.ts'
import { parseShell, pnpmCommand, SHELL_LANGS } from './shell.ts'
import { SCRIPT_LANGS, typecheckBlocks } from './typecheck.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readmes = ['README.md', ...readdirSync(`${root}/packages`).map((name) => `packages/${name}/README.md`)]
  .filter((path) => existsSync(`${root}/${path}`))
const blocks = readmes.flatMap((readme) => readBlocks(root, readme))
const checked = blocks.filter((block) => !block.directives.some((directive) => directive.kind === 'skip'))
const named = (list: Block[]) => list.map((block) => [`${block.readme}:${block.fence} \`\`\`${block.lang}`, block] as const)

const UNCHECKED_LANGS = new Set(['nginx'])
const KNOWN_LANGS = new Set([...SCRIPT_LANGS, ...YAML_LANGS, ...SHELL_LANGS, ...UNCHECKED_LANGS])

describe('README code blocks', () => {
  it('have a language with a check, or say why not', () => {
    expect(named(checked.filter((block) => !KNOWN_LANGS.has(block.lang))).map(([name]) => name)).toEqual([])
  })

  let typeErrors: Map<Block, string[]> | undefined
  // The first of these typechecks every block at once: seconds, more on a busy machine.
  it.each(named(checked.filter((block) => SCRIPT_LANGS.has(block.lang))))('%s typechecks', (_, block) => {
    typeErrors ??= typecheckBlocks(root, blocks)
    expect(typeErrors.get(block)).toEqual([])
  }, 60_000)

  it.each(named(checked.filter((block) => YAML_LANGS.has(block.lang))))('%s is a valid rules file', (_, block) => {
    expect(checkRulesBlock(block)).toEqual([])
  })

  it.each(named(checked.filter((block) => SHELL_LANGS.has(block.lang))))('%s runs scripts and commands that exist', async (_, block) => {
    const problems: string[] = []
    for (const { words, line, output } of parseShell(block)) {
      const where = `${block.readme}:${line}`
      const pnpm = pnpmCommand(root, block.readme, words)
      if (pnpm && 'problem' in pnpm) problems.push(`${where} ${pnpm.problem}`)
      else if (pnpm && 'cli' in pnpm) problems.push(...await checkCli(root, where, pnpm.cli, output))
      else if (words[0] === 'nudgekit') problems.push(...await checkCli(root, where, words.slice(1), output))
      else if (words[0] === 'curl') problems.push(...checkCurl(where, words, output))
    }
    expect(problems).toEqual([])
  })
})
