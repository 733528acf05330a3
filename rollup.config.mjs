// One build for every package: ESM + .d.ts per entry, and the IIFE bundle (SDK + widgets + Preact) for <script> tags.
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import esbuild from 'rollup-plugin-esbuild'
import { dts } from 'rollup-plugin-dts'

const packages = {
  rules: { index: 'src/index.ts', evaluator: 'src/evaluator/index.ts' },
  sdk: { index: 'src/index.ts' },
  widgets: { index: 'src/index.ts' },
  server: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
}

const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)])

/** Everything a package declares as a dependency stays an import; only its own source is bundled. */
function externalFor(pkg) {
  const manifest = JSON.parse(readFileSync(`packages/${pkg}/package.json`, 'utf8'))
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })
  return (id) => builtins.has(id) || id.startsWith('node:') || deps.some((dep) => id === dep || id.startsWith(`${dep}/`))
}

const transpile = (options = {}) =>
  esbuild({ target: 'es2022', jsx: 'automatic', jsxImportSource: 'preact', ...options })

const configs = Object.entries(packages).flatMap(([pkg, entries]) => {
  const input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `packages/${pkg}/${file}`]))
  const external = externalFor(pkg)
  return [
    {
      input,
      external,
      plugins: [transpile()],
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
