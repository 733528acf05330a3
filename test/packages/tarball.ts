// What a packed package holds: its files read straight from the .tgz, and the imports those files make.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { posix } from 'node:path'
import { gunzipSync } from 'node:zlib'

/** The files of an npm tarball by path inside the package (`package/` stripped), e.g. `dist/index.js`. */
export function readTarball(file: string): Map<string, Buffer> {
  const data = gunzipSync(readFileSync(file))
  const files = new Map<string, Buffer>()
  let paxPath: string | undefined
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0[\s\S]*$/, '')
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    const body = data.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === 'x') {
      // A pax header: a long path for the next entry.
      paxPath = /^\d+ path=(.*)$/m.exec(body.toString('utf8'))?.[1]
      continue
    }
    const path = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    paxPath = undefined
    if (type === '0' || type === '') files.set(path.replace(/^[^/]+\//, ''), body)
  }
  return files
}

export interface PackedManifest {
  name: string
  version: string
  license?: string
  exports?: Record<string, unknown>
  bin?: string | Record<string, string>
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  files?: string[]
  engines?: { node?: string }
}

const BUILTINS = new Set(builtinModules)

/** Import specifiers of a JS/TS file: static imports and re-exports, side-effect imports and `import('…')`. */
export function importsOf(source: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]!))
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The packages the build put inside dist/ (headed `## name@version (license)` in dist/THIRD-PARTY-LICENSES.md). */
function bundledPackages(files: Map<string, Buffer>): string[] {
  const notices = files.get('dist/THIRD-PARTY-LICENSES.md')?.toString('utf8') ?? ''
  return [...notices.matchAll(/^## ((?:@[^/\s]+\/)?[^@\s]+)@\S+ \(/gm)].map((match) => match[1]!)
}

/**
 * Imports in the shipped code that a user's install cannot satisfy: a package the manifest does not declare
 * (a devDependency or a hoisting accident in the workspace), or a relative file that is not in the tarball. The
 * sources outside dist/ (for the workspace's `@nudgekit/source` condition) may also import what the build put
 * inside dist/; dist/ itself may not.
 */
export function unresolvableImports(files: Map<string, Buffer>, manifest: PackedManifest): string[] {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ])
  const bundled = new Set(bundledPackages(files))
  const problems: string[] = []
  for (const [path, content] of files) {
    if (!/\.(?:[cm]?js|tsx?)$/.test(path)) continue
    const declarations = path.endsWith('.d.ts')
    const source = !path.startsWith('dist/')
    for (const specifier of importsOf(content.toString('utf8'))) {
      if (specifier.startsWith('.')) {
        // Declarations import `./evaluator.js` and mean `./evaluator.d.ts`.
        const target = posix.join(posix.dirname(path), declarations ? specifier.replace(/\.js$/, '.d.ts') : specifier)
        if (!files.has(target)) problems.push(`${path} imports ${specifier}, which is not in the package`)
        continue
      }
      const name = packageOf(specifier)
      if (name && !declared.has(name) && !(source && bundled.has(name))) problems.push(`${path} imports '${specifier}', but '${name}' is not among its dependencies`)
    }
  }
  return problems
}

/** Every file path an `exports` map or `bin` points at (all conditions, including `@nudgekit/source`). */
export function targetsOf(manifest: PackedManifest): string[] {
  const collect = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(collect) : []
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})
  return [...collect(manifest.exports), ...bins].map((target) => posix.normalize(target))
}
