// One build for every package: ESM + .d.ts per entry, and the IIFE bundle (SDK + widgets + Preact) for <script> tags.
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import esbuild from 'rollup-plugin-esbuild'
import { dts } from 'rollup-plugin-dts'

const packages = {
  rules: { index: 'src/index.ts', evaluator: 'src/evaluator/index.ts' },
  sdk: { index: 'src/index.ts' },
  widgets: { index: 'src/index.ts' },
  server: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
}

/**
 * Packages built into a package's dist instead of imported from it (its devDependencies). The server's dashboard
 * renders with Preact on the server: with its own copy built in, the Preact a host app installs (another major,
 * which npm hoists beside preact-render-to-string) can never meet the dashboard's and render an empty page. The
 * widgets' Preact stays a peer: their components must share the host's.
 */
const BUNDLED = { server: ['preact', 'preact-render-to-string'] }

const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])
const names = (list, id) => list.some((dep) => id === dep || id.startsWith(`${dep}/`))

/**
 * Everything a package declares as a dependency stays an import; its own source and its BUNDLED packages are
 * built in. Any other package import fails the build (rollup would keep it as an import no install satisfies).
 */
function externalFor(pkg) {
  const manifest = JSON.parse(readFileSync(`packages/${pkg}/package.json`, 'utf8'))
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
  const bundled = BUNDLED[pkg] ?? []
  const declared = bundled.filter((name) => names(deps, name))
  if (declared.length) throw new Error(`[nudgekit] Failed to build packages/${pkg}: ${declared.join(', ')} is built in (BUNDLED) but also a dependency. Move it to devDependencies.`)
  return (id, importer, isResolved) => {
    if (builtins.has(id) || id.startsWith('node:') || names(deps, id)) return true
    if (isResolved || /^[./\\\0]/.test(id) || names(bundled, id)) return false
    throw new Error(`[nudgekit] Failed to build packages/${pkg}: ${importer} imports '${id}', which is not among its dependencies. Add it to dependencies or peerDependencies, or to BUNDLED in rollup.config.mjs.`)
  }
}

/**
 * Resolves a package's BUNDLED imports from node_modules (Node's `import` condition) and writes
 * THIRD-PARTY-LICENSES.md beside the build with each one's license, as their MIT licenses ask of copies. Fails
 * the build when two copies of one package would be built in (two Preact copies are the bug this prevents).
 */
function bundle(packages) {
  return [
    nodeResolve({ resolveOnly: packages, exportConditions: ['node'] }),
    {
      name: 'third-party-licenses',
      generateBundle() {
        const found = new Map()
        for (const id of this.getModuleIds()) {
          const dir = /^(.*[/\\]node_modules[/\\](?:@[^/\\]+[/\\])?[^/\\]+)[/\\]/.exec(id)?.[1]
          if (!dir) continue
          const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
          const seen = found.get(name)
          if (seen && seen.dir !== dir) this.error(`two copies of ${name} would be built in: ${seen.dir} and ${dir}`)
          found.set(name, { version, license, dir })
        }
        const sections = [...found].sort(([a], [b]) => a.localeCompare(b)).map(([name, { version, license, dir }]) => {
          const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((file) => join(dir, file)).find(existsSync)
          if (!file) this.error(`${name}@${version} (${license}) has no LICENSE file to ship with its code`)
          return `## ${name}@${version} (${license})\n\n${readFileSync(file, 'utf8').trim()}\n`
        })
        const source = `# Third-party code in this build\n\n${sections.join('\n')}`
        this.emitFile({ type: 'asset', fileName: 'THIRD-PARTY-LICENSES.md', source })
      },
    },
  ]
}

/** Empties a package's dist/ as its first build starts: chunks of earlier builds (other hashes) must not ship. */
const cleanDist = (dir) => ({ name: 'clean-dist', buildStart: () => rmSync(dir, { recursive: true, force: true }) })

const transpile = (options = {}) =>
  esbuild({ target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', ...options })

const configs = Object.entries(packages).flatMap(([pkg, entries]) => {
  const input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `packages/${pkg}/${file}`]))
  const external = externalFor(pkg)
  return [
    {
      input,
      external,
      plugins: [cleanDist(`packages/${pkg}/dist`), ...(BUNDLED[pkg] ? bundle(BUNDLED[pkg]) : []), transpile()],
      output: { dir: `packages/${pkg}/dist`, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
    {
      input: Object.fromEntries(Object.entries(input).filter(([name]) => name !== 'cli')),
      external,
      plugins: [dts({ tsconfig: 'tsconfig.json' })],
      output: { dir: `packages/${pkg}/dist`, format: 'esm', entryFileNames: '[name].d.ts' },
    },
  ]
})

configs.push({
  input: 'packages/widgets/src/iife.ts',
  plugins: [
    nodeResolve({ browser: true, exportConditions: ['@nudgekit/source', 'browser', 'module', 'import', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs'] }),
    // No bundler runs after this one: settle dev-only branches (`process.env.NODE_ENV`, also in nanostores) here,
    // or the bundle throws "process is not defined" in browsers.
    transpile({ minify: true, exclude: [], define: { 'process.env.NODE_ENV': '"production"' } }),
  ],
  output: { file: 'packages/widgets/dist/nudgekit.iife.js', format: 'iife', name: 'Nudgekit' },
})

export default configs
