// Typechecks the READMEs' ts/tsx/js blocks as virtual modules in one TypeScript program with the repo's tsconfig.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import type { Block } from './markdown.ts'

export const SCRIPT_LANGS = new Set(['ts', 'tsx', 'js'])

/** A line of a virtual module and where it came from in a README. */
interface Origin {
  block: Block
  line: number
  indent: number
}

interface Module {
  first: Block
  path: string
  text: string
  origins: Array<Origin | undefined>
}

/**
 * The TypeScript errors of every script block, each keyed by its block and worded
 * `README.md:64:3 TS2304: Cannot find name 'x'.` (the README line the error is on).
 * @example typecheckBlocks('/repo', blocks).get(block) // ['README.md:64:3 TS2304: …']
 */
export function typecheckBlocks(root: string, blocks: Block[]): Map<Block, string[]> {
  const modules = buildModules(root, blocks)
  const files = new Map(modules.map((module) => [module.path, module]))
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile)
  const options: ts.CompilerOptions = {
    ...ts.parseJsonConfigFileContent(config, ts.sys, root).options,
    allowJs: true,
    checkJs: true,
    noEmit: true,
  }
  const host = ts.createCompilerHost(options, true)
  const { getSourceFile, fileExists, readFile } = host
  host.getSourceFile = (name, version, ...rest) => {
    const module = files.get(name)
    return module ? ts.createSourceFile(name, module.text, version, true) : getSourceFile.call(host, name, version, ...rest)
  }
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name)
  host.readFile = (name) => files.get(name)?.text ?? readFile.call(host, name)
  const cache = ts.createModuleResolutionCache(root, host.getCanonicalFileName, options)
  // A snippet's imports resolve as in the package that has them installed: a virtual file lives in test/ (which
  // depends on every @nudgekit package), then each workspace package is asked (react from the React example).
  const fallbacks = workspacePackages(root).map((dir) => join(dir, 'snippet.tsx'))
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, sourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(sourceFile, literal, compilerOptions)
      const resolve = (from: string) => ts.resolveModuleName(literal.text, from, compilerOptions, host, cache, redirected, mode)
      const first = resolve(containingFile)
      if (first.resolvedModule || !files.has(containingFile)) return first
      for (const from of fallbacks) {
        const next = resolve(from)
        if (next.resolvedModule) return next
      }
      return first
    })
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host })

  const errors = new Map<Block, string[]>(blocks.filter((block) => SCRIPT_LANGS.has(block.lang)).map((block) => [block, []]))
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map((d) => `tsconfig: ${message(d)}`)
  for (const module of modules) {
    const file = program.getSourceFile(module.path)!
    for (const diagnostic of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      const origin = module.origins[line]
      // A line without an origin is the JSX pragma the test added: the module's first block answers for it.
      const where = origin ? `${origin.block.readme}:${origin.line}:${origin.indent + character + 1}` : `${module.first.readme}:${module.first.fence}`
      errors.get(origin?.block ?? module.first)!.push(`${where} TS${diagnostic.code}: ${message(diagnostic)}`)
    }
  }
  if (global.length > 0) for (const list of errors.values()) list.push(...global)
  return errors
}

/**
 * One module per script block, except that a block marked `continues` is appended to the README's previous
 * module; `assumes` declarations go right before the block's code, a JSX pragma first when React is imported.
 */
function buildModules(root: string, blocks: Block[]): Module[] {
  const modules: Array<{ parts: Array<{ text: string; origin?: Origin }>; first: Block; langs: Set<string> }> = []
  const last = new Map<string, (typeof modules)[number]>()
  for (const block of blocks) {
    if (!SCRIPT_LANGS.has(block.lang) || block.directives.some((d) => d.kind === 'skip')) continue
    const continues = block.directives.some((d) => d.kind === 'continues')
    let module = continues ? last.get(block.readme) : undefined
    if (continues && !module) throw new Error(`${block.readme}:${block.fence}: 'continues', but no script block comes before it.`)
    if (!module) {
      module = { parts: [], first: block, langs: new Set() }
      modules.push(module)
    }
    last.set(block.readme, module)
    module.langs.add(block.lang)
    for (const directive of block.directives) {
      if (directive.kind === 'assumes') module.parts.push({ text: directive.code, origin: { block, line: directive.line, indent: directive.indent } })
    }
    module.parts.push({ text: block.code, origin: { block, line: block.line, indent: block.indent } })
  }
  return modules.map(({ parts, first, langs }) => {
    const react = parts.some((part) => /from\s+['"]react['"]/.test(part.text))
    const all = react ? [{ text: '/** @jsxImportSource react */' }, ...parts] : parts
    const origins = all.flatMap(({ text, origin }) => text.split('\n').map((_, i) => origin && { ...origin, line: origin.line + i }))
    const ext = langs.has('tsx') ? 'tsx' : langs.has('ts') ? 'ts' : 'js'
    const name = `${first.readme.replaceAll('/', '-')}-${first.fence}.${ext}`
    return { first, path: join(root, 'test', 'docs', 'snippets', name), text: all.map((part) => part.text).join('\n'), origins }
  })
}

/** The workspace's package directories: packages/*, examples/* and test/. */
function workspacePackages(root: string): string[] {
  const children = (dir: string) => readdirSync(join(root, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, dir, entry.name))
  return [join(root, 'test'), ...children('packages'), ...children('examples')]
}

function message(diagnostic: ts.Diagnostic): string {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')
}
