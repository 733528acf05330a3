// `pnpm test:packages`: the four packages as a user gets them. Packs each (after `pnpm build`), installs the
// tarballs into a throwaway project outside the workspace, and uses them there without the `@nudgekit/source`
// condition: every public entry, the `nudgekit` bin, a browser bundle, type checking, the <script> build; then
// what a server runs (imports, the bin, `serve` with events, stats and the dashboard) once more in a host app on
// Preact 11 installed with npm (where the widgets bundle with that Preact), and on the oldest Node the engines allow.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'
import { JSDOM } from 'jsdom'
import { uuidv7 } from '../chaos/uuid.ts'
import { BROWSER_APP, IMPORT_ENTRIES, PREACT_HOST, SERVER_LIBRARY, TYPED_CONSUMER } from './consumer.ts'
import { walkDashboard } from './dashboard.ts'
import { check, fail, failed, freePort, nodeWarnings, none, passed, ROOT, run, shown, Stop, stop, until, userEnv, type Ran } from './harness.ts'
import { readTarball, targetsOf, unresolvableImports, type PackedManifest } from './tarball.ts'

const PACKAGES = ['rules', 'sdk', 'widgets', 'server'] as const
const PNPM = join(ROOT, 'node_modules/pnpm/bin/pnpm.mjs')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const RULES_EXAMPLE = join(ROOT, 'examples/rules/acme-crm.yaml')

/** Named exports each entry must have: the API DESIGN.md and the READMEs promise. */
const EXPECTED_EXPORTS: Record<string, string[]> = {
  '@nudgekit/rules': [
    'loadRules', 'loadRulesOrThrow', 'parseRulesText', 'validateRules', 'compile', 'formatIssues', 'RulesError',
    'rulesSchema', 'rulesJsonSchema', 'formatJsonSchema', 'explainDecision', 'createEvaluator',
  ],
  '@nudgekit/rules/evaluator': [
    'createEvaluator', 'isSafeUrl', 'renderTemplate', 'parseDuration', 'parsePercent', 'assignVariant', 'resolveTarget',
    'checkFeature', 'limitOf', 'isBuyer',
  ],
  '@nudgekit/sdk': ['createNudge', 'memoryStorage'],
  '@nudgekit/widgets': ['mount', 'mountGate', 'mountMeter', 'NudgeRoot', 'NudgeHost', 'FeatureGate', 'UsageMeter', 'UpgradeButton', 'adoptStyles', 'css'],
  '@nudgekit/server': [
    'createHandler', 'serve', 'nodeMiddleware', 'sqlite', 'postgres', 'generateKeys', 'createKeyring', 'jsonLinesLogger',
    'buildStats', 'toCsv', 'createRouter', 'verifySignature', 'signPayload',
  ],
}
/** What the <script> build puts on `window.Nudgekit` (README, "Render the prompts"). */
const IIFE_GLOBALS = ['createNudge', 'mount', 'mountGate', 'mountMeter']
/** The module resolutions a user's tsc may use, each checked. */
const RESOLUTIONS = [
  ['bundler', { module: 'preserve', moduleResolution: 'bundler' }],
  ['node16', { module: 'node16', moduleResolution: 'node16' }],
] as const
/** Subpaths checked elsewhere than by importing them in Node. */
const BROWSER_ONLY = new Set(['@nudgekit/widgets/iife'])

/** A Node that runs the installed packages: its binary and version ('24.9.0'). */
interface Runtime {
  node: string
  version: string
}
/** The Node this suite runs on, the workspace's pinned one. */
const PINNED: Runtime = { node: process.execPath, version: process.versions.node }

/** A throwaway app the tarballs are installed into: its folder, and the nudgekit bin installed there. */
interface App {
  dir: string
  bin: string
}

// ── the suite ───────────────────────────────────────────────────────────────────────────────────────────────

const started = performance.now()
const workdir = mkdtempSync(join(tmpdir(), 'nudgekit-packages-'))
const tarballs = join(workdir, 'tarballs')
const project = join(workdir, 'project')
const bin = join(project, 'node_modules/.bin/nudgekit')
/** The app installed with pnpm, which most checks use. */
const consumer: App = { dir: project, bin }
/** A host app on Preact 11 (npm's latest), installed with npm as a user did when two Preact copies met in the dashboard. */
const preact11: App = { dir: join(workdir, 'preact11-app'), bin: join(workdir, 'preact11-app/node_modules/.bin/nudgekit') }
/** The example rules, copied where the installed packages cannot find the workspace from. */
const rules = join(workdir, 'acme-crm.yaml')
let server: ChildProcess | undefined
/** The packed package.json of each package, and its tarball, by package name. */
const manifests = new Map<string, PackedManifest>()
const tarballOf = new Map<string, string>()
const engines = readEngines()
// Fetched (or found in npm's cache) while the packages pack and install.
const oldestNode = engines.oldest ? nodeFromNpm(engines.oldest) : undefined

function cleanUp(): void {
  if (server && server.exitCode === null) server.kill('SIGKILL')
  rmSync(workdir, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp()
    process.exit(130)
  })
}

try {
  await packAndInspect()
  // npm installs the Preact 11 app while pnpm installs the other.
  const npmInstall = installWithNpm()
  await install()
  // tsc takes longest: it runs while the other checks do.
  const typing = startTypecheck()
  await importEntries()
  await useServerLibrary()
  await useCli()
  await useBesidePreact11(await npmInstall)
  await useOldestNode()
  await bundleForBrowser()
  await reportTypecheck(await typing)
} catch (error) {
  if (!(error instanceof Stop)) fail(`the suite crashed\n${error instanceof Error ? error.stack : String(error)}`)
} finally {
  cleanUp()
}

const seconds = ((performance.now() - started) / 1000).toFixed(1)
if (failed()) {
  console.error(`\n[nudgekit] ${failed()} package check(s) failed in ${seconds} s: what users install differs from what the workspace tests. Fix the manifest, rollup.config.mjs or the files above.`)
  process.exit(1)
}
console.log(`\nAll package checks passed in ${seconds} s.`)

// ── 1. pack ─────────────────────────────────────────────────────────────────────────────────────────────────

async function packAndInspect(): Promise<void> {
  console.log('▶ pack')
  mkdirSync(tarballs, { recursive: true })
  const missing = PACKAGES.filter((pkg) => !existsSync(join(ROOT, 'packages', pkg, 'dist')))
  if (missing.length) stop(`no dist/ in ${missing.map((pkg) => `packages/${pkg}`).join(', ')}: run 'npx pnpm build' first`)

  const packed = await Promise.all(
    PACKAGES.map((pkg) => run(process.execPath, [PNPM, 'pack', '--pack-destination', tarballs, '--json'], join(ROOT, 'packages', pkg))),
  )
  const contents = new Map<string, Map<string, Buffer>>()
  for (const [index, pkg] of PACKAGES.entries()) {
    const result = packed[index]!
    const ok = await check(`packages/${pkg}: pnpm pack`, () => {
      assert.ok(result.code === 0, `pnpm pack failed: ${shown(result)}`)
      const { name, filename } = JSON.parse(result.stdout) as { name: string; filename: string }
      const files = readTarball(filename)
      const manifest = JSON.parse(files.get('package.json')?.toString('utf8') ?? 'null') as PackedManifest | null
      assert.ok(manifest, `${filename} has no package.json`)
      manifests.set(name, manifest)
      tarballOf.set(name, filename)
      contents.set(name, files)
      return `${name}@${manifest.version}, ${files.size} files, ${(readFileSync(filename).length / 1024).toFixed(0)} KB`
    })
    if (!ok) stop(`packages/${pkg} did not pack`)
  }

  for (const [name, manifest] of manifests) {
    const files = contents.get(name)!
    await check(`${name}: dependencies are real versions (no workspace: ranges), our own pinned to the packed ones`, () => {
      const ranges = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }
      const problems = Object.entries(ranges).flatMap(([dep, range]) => {
        if (range.startsWith('workspace:')) return [`${dep}: '${range}' was not replaced`]
        const own = manifests.get(dep)
        return own && range !== own.version ? [`${dep}: '${range}', but the packed ${dep} is ${own.version}`] : []
      })
      none(problems)
    })
    await check(`${name}: every exports and bin target is in the tarball`, () => {
      const absent = targetsOf(manifest).filter((target) => !files.has(target))
      none(absent, 'missing (built? listed in "files"?)')
      for (const bin of typeof manifest.bin === 'object' ? Object.values(manifest.bin) : manifest.bin ? [manifest.bin] : []) {
        const first = files.get(bin.replace(/^\.\//, ''))!.toString('utf8').split('\n', 1)[0]
        assert.ok(first === '#!/usr/bin/env node', `the bin ${bin} starts with '${first}', not a node shebang`)
      }
    })
    await check(`${name}: every import in the shipped files is a declared dependency or a shipped file`, () => {
      none(unresolvableImports(files, manifest))
    })
    await check(`${name}: the tarball carries its license (${manifest.license ?? 'none declared'}) and README`, () => {
      none(['LICENSE', 'README.md'].filter((file) => !files.has(file)), 'missing')
      assert.ok(files.get('LICENSE')!.toString('utf8').startsWith(`${manifest.license} License`), `LICENSE is not the ${manifest.license} text`)
    })
    await check(`${name}: no tests or test helpers in the tarball`, () => {
      const tests = [...files.keys()].filter((path) => /\.test\.[cm]?[jt]sx?$|(?:^|\/)(?:test-support|__snapshots__|__fixtures__)\//.test(path))
      none(tests, 'shipped')
    })
  }
}

// ── 2. install ──────────────────────────────────────────────────────────────────────────────────────────────

async function install(): Promise<void> {
  console.log('\n▶ install into a fresh project')
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'nudgekit-consumer', private: true, type: 'module' }, null, 2))
  // Each package's dependency on another of ours (`@nudgekit/rules: 0.1.0`) must come from these tarballs, not
  // from the registry, where that version may not exist yet (or be someone else's).
  const overrides = [...tarballOf].map(([name, file]) => `  '${name}': 'file:${file}'`).join('\n')
  writeFileSync(join(project, 'pnpm-workspace.yaml'), `overrides:\n${overrides}\n`)
  // A Preact host installs Preact itself; the range widgets asks for keeps it to one copy. This app takes the
  // range's first major (10); the npm app below is on 11.
  const widgets = manifests.get('@nudgekit/widgets')!
  const preact = (widgets.peerDependencies?.preact ?? widgets.dependencies?.preact)?.split('||')[0]!.trim()
  const result = await run(process.execPath, [PNPM, 'add', ...tarballOf.values(), `preact@${preact}`], project, userEnv(), 120_000)
  const ok = await check('the four tarballs (and preact, for a Preact host) install into a project outside the workspace', () => {
    assert.ok(result.code === 0, `pnpm add failed: ${shown(result, 40)}`)
    for (const name of manifests.keys()) {
      const installed = join(project, 'node_modules', name, 'package.json')
      assert.ok(existsSync(installed), `${name} is not in node_modules`)
    }
  })
  if (!ok) stop('the install failed')
}

// ── 3. import every entry in Node, without the source condition ─────────────────────────────────────────────

async function importEntries(): Promise<void> {
  console.log('\n▶ import every public entry (Node, no @nudgekit/source condition)')
  const entries = publicEntries()
  const { seen } = await importInNode(PINNED)
  for (const entry of entries) {
    if (BROWSER_ONLY.has(entry)) continue
    const what = EXPECTED_EXPORTS[entry] ? `with ${EXPECTED_EXPORTS[entry].join(', ')}` : entry.endsWith('/package.json') ? '(its manifest)' : entry.endsWith('.json') ? '(a JSON Schema)' : ''
    await check(`${entry}: imports ${what}`.trim(), () => none(importProblems(entry, seen[entry])))
  }
  await check('require() from CommonJS loads every module entry with the same exports (Node >= 22.12)', () => none(requireProblems(seen)))
  for (const entry of BROWSER_ONLY) {
    await check(`${entry}: is exported (loaded in jsdom below)`, () => assert.ok(entries.includes(entry), `not in the exports of ${entry.split('/').slice(0, 2).join('/')}`))
  }
}

/** Every subpath the packages export, as a user imports it ('@nudgekit/rules/evaluator'). */
function publicEntries(): string[] {
  return [...manifests].flatMap(([name, manifest]) =>
    Object.keys(manifest.exports ?? { '.': null }).map((subpath) => (subpath === '.' ? name : `${name}${subpath.slice(1)}`)),
  )
}

/** What the import script saw of one entry: its export names (and through require()), or the manifest's or schema's keys. */
interface Imported {
  names?: string[]
  keys?: string[]
  name?: string
  version?: string
  error?: string
  required?: string[]
  requireError?: string
}

/** Imports every entry but the browser-only ones with `runtime`'s Node in the installed project: what it saw, by entry. */
async function importInNode(runtime: Runtime): Promise<{ seen: Record<string, Imported>; ran: Ran }> {
  const inNode = publicEntries().filter((entry) => !BROWSER_ONLY.has(entry)).map((entry) => [entry, entry.endsWith('.json') ? 'json' : 'module'])
  writeFileSync(join(project, 'import-entries.mjs'), IMPORT_ENTRIES)
  const ran = await run(runtime.node, ['import-entries.mjs', JSON.stringify(inNode)], project, userEnv({}, runtime.node))
  if (ran.code !== 0) fail(`the import script failed on Node ${runtime.version}: ${shown(ran)}`)
  return { seen: JSON.parse(ran.code === 0 ? ran.stdout : '{}') as Record<string, Imported>, ran }
}

/** What is wrong with an imported entry: nothing when it has what EXPECTED_EXPORTS (or its kind) says it must. */
function importProblems(entry: string, got: Imported | undefined): string[] {
  if (!got) return ['not imported']
  if (got.error !== undefined) return [`import failed:\n${got.error}`]
  if (entry.endsWith('/package.json')) {
    const own = manifests.get(entry.slice(0, -'/package.json'.length))!
    return got.name === own.name && got.version === own.version ? [] : [`a different package.json: ${got.name}@${got.version}`]
  }
  if (entry.endsWith('.json')) {
    return got.keys?.includes('$schema') && got.keys.includes('properties') ? [] : [`not a JSON Schema: keys ${got.keys?.join(', ')}`]
  }
  const expected = EXPECTED_EXPORTS[entry]
  if (!expected) return [`an entry this test does not know: add what it must export to EXPECTED_EXPORTS in test/packages/run.ts (it exports ${got.names?.join(', ')})`]
  const absent = expected.filter((name) => !got.names?.includes(name))
  return absent.length ? [`missing: ${absent.join(', ')}; it exports ${got.names?.join(', ')}`] : []
}

/** The module entries require() failed to load, or loaded with other exports than import() gave. */
function requireProblems(seen: Record<string, Imported>): string[] {
  return Object.entries(seen).flatMap(([entry, got]) => {
    if (!got.names) return []
    if (got.requireError) return [`${entry}: ${got.requireError}`]
    return got.required?.join() === got.names.join() ? [] : [`${entry}: require() gives ${got.required?.join(', ')}`]
  })
}

// ── 4. the server as a library ──────────────────────────────────────────────────────────────────────────────

async function useServerLibrary(): Promise<void> {
  console.log('\n▶ @nudgekit/server as a library')
  writeFileSync(join(project, 'server-library.mjs'), SERVER_LIBRARY)
  await check('createHandler with a rules file and sqlite() answers /healthz and /v1/rules (migrations found from dist/)', async () => {
    const result = await run(process.execPath, ['server-library.mjs', RULES_EXAMPLE, join(workdir, 'library.db')], project)
    assert.ok(result.code === 0, shown(result))
    const statuses = JSON.parse(result.stdout) as { healthz: number; rules: number; triggers?: number }
    assert.ok(statuses.healthz === 200, `/healthz answered ${statuses.healthz}`)
    assert.ok(statuses.rules === 200, `/v1/rules answered ${statuses.rules}`)
    assert.ok(statuses.triggers, '/v1/rules carried no triggers')
    return `${statuses.triggers} triggers`
  })
}

// ── 5. the nudgekit bin ─────────────────────────────────────────────────────────────────────────────────────

async function useCli(): Promise<void> {
  console.log('\n▶ the installed nudgekit bin')
  const server = manifests.get('@nudgekit/server')!
  copyFileSync(RULES_EXAMPLE, rules)

  await check('nudgekit --help exits 0 with the usage', async () => {
    const result = await run(bin, ['--help'], project)
    assert.ok(result.code === 0, shown(result))
    assert.ok(/Usage: nudgekit <command>/.test(result.stdout), shown(result))
  })
  await check("every command's --help exits 0 (each command's chunk loads from dist/)", async () => {
    const usage = (await run(bin, ['--help'], project)).stdout
    const commands = [...(usage.split('Commands:')[1] ?? '').matchAll(/^ {2}(\w+)\b/gm)].map(([, name]) => name!)
    assert.ok(commands.length, `no commands in the usage:\n${usage}`)
    const results = await Promise.all(commands.map((command) => run(bin, [command, '--help'], project)))
    none(results.flatMap((result, index) => (result.code === 0 ? [] : [`${commands[index]} --help: ${shown(result)}`])))
    return commands.join(', ')
  })
  await check(`nudgekit --version prints ${server.version}`, async () => {
    const result = await run(bin, ['--version'], project)
    assert.ok(result.code === 0, shown(result))
    assert.ok(result.stdout.trim() === server.version, shown(result))
  })
  await check('nudgekit validate examples/rules/acme-crm.yaml exits 0', () => validates(PINNED))
  await check('nudgekit validate on a broken copy exits 1 with file:line:column and no stack trace', async () => {
    const broken = join(workdir, 'broken.yaml')
    const text = readFileSync(rules, 'utf8')
    assert.ok(/^version: 1$/m.test(text), 'the example has no `version: 1` line; pick another way to break it')
    writeFileSync(broken, text.replace(/^version: 1$/m, 'version: 2'))
    const result = await run(bin, ['validate', broken], project)
    const output = result.stdout + result.stderr
    assert.ok(result.code === 1, shown(result))
    assert.ok(/broken\.yaml:\d+:\d+ error /.test(output), `no compiler-style error: ${shown(result)}`)
    assert.ok(!/^\s+at .+:\d+:\d+\)?$/m.test(output), `a stack trace: ${shown(result)}`)
  })
  await check('nudgekit schema prints the schema.json @nudgekit/rules ships', async () => {
    const result = await run(bin, ['schema'], project)
    assert.ok(result.code === 0, shown(result))
    const shipped = JSON.parse(readFileSync(join(project, 'node_modules/@nudgekit/rules/schema.json'), 'utf8')) as unknown
    assert.ok(isDeepStrictEqual(JSON.parse(result.stdout), shipped), 'nudgekit schema and @nudgekit/rules/schema.json differ: run npx pnpm schema')
  })
  await check('nudgekit migrate applies the migrations to a new SQLite file (serve runs on it next)', () => migrates(PINNED, consumer))
  await serveAndUse(PINNED, consumer, useIife)
}

/** `nudgekit validate` on the example with `runtime`'s Node: exit 0, and no warning from Node. */
async function validates(runtime: Runtime): Promise<void> {
  const result = await run(bin, ['validate', rules], project, userEnv({}, runtime.node))
  assert.ok(result.code === 0, shown(result))
  assert.ok(/valid/.test(result.stdout), shown(result))
  none(nodeWarnings(result.stderr), 'Node warned')
}

/** The SQLite file `nudgekit migrate` sets up in `app` with `runtime`'s Node, and `nudgekit serve` then runs on. */
function databaseOf(runtime: Runtime, app: App): string {
  return join(app.dir, `nudgekit-${runtime.version}.db`)
}

/** `nudgekit migrate` of `app` on a new SQLite file with `runtime`'s Node: migrations applied, no warning. */
async function migrates(runtime: Runtime, app: App): Promise<string> {
  const result = await run(app.bin, ['migrate', '--db', databaseOf(runtime, app)], app.dir, sqliteEnv({}, runtime))
  assert.ok(result.code === 0 && /^Applied \S/.test(result.stdout), shown(result))
  none(nodeWarnings(result.stderr), 'Node warned')
  return `${result.stdout.split(',').length} migrations`
}

/** A user's environment for `runtime`'s Node, with no PostgreSQL URL that would take the place of `--db`. */
function sqliteEnv(extra: Record<string, string>, runtime: Runtime): NodeJS.ProcessEnv {
  const env = userEnv(extra, runtime.node)
  delete env.NUDGEKIT_DATABASE_URL
  return env
}

/**
 * `nudgekit serve` of `app` with `runtime`'s Node on the SQLite file `migrate` set up and a free port: health,
 * rules, a batch of events counted in the stats, the dashboard reporting them, then `browser` (a client against
 * it), no errors or Node warnings, a clean stop.
 */
async function serveAndUse(runtime: Runtime, app: App, browser?: (base: string | undefined, publishableKey: string) => Promise<void>): Promise<void> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const keys = { publishable: `pk_test_${randomBytes(12).toString('hex')}`, secret: `sk_test_${randomBytes(12).toString('hex')}` }
  // Webhook routes read their signing secret from the environment variable they name.
  const secrets = Object.fromEntries([...readFileSync(rules, 'utf8').matchAll(/secret_env:\s*(\w+)/g)].map(([, name]) => [name!, randomBytes(16).toString('hex')]))
  const env = sqliteEnv({ NUDGEKIT_PUBLISHABLE_KEY: keys.publishable, NUDGEKIT_SECRET_KEY: keys.secret, ...secrets }, runtime)
  const child = spawn(app.bin, ['serve', '--rules', rules, '--db', databaseOf(runtime, app), '--host', '127.0.0.1', '--port', String(port)], { cwd: app.dir, env })
  server = child
  let output = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => {
    output += chunk
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const get = (path: string, key?: string) => fetch(base + path, key ? { headers: { authorization: `Bearer ${key}` } } : {})

  const up = await check(`nudgekit serve --port ${port} answers GET /healthz 200`, async () => {
    let status = 0
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output.trim()}`)
        status = await get('/healthz').then((response) => response.status, () => 0)
        return status === 200
      },
      20_000,
      () => `/healthz never answered 200 (last: ${status || 'no connection'}); serve printed:\n${output.trim()}`,
    )
  })
  if (up) {
    await check('GET /v1/rules with the publishable key answers 200 with an ETag', async () => {
      const response = await get('/v1/rules', keys.publishable)
      const text = await response.text()
      assert.ok(response.status === 200, `status ${response.status}: ${text.slice(0, 300)}`)
      assert.ok(response.headers.get('etag'), 'no ETag header')
      assert.ok((JSON.parse(text) as { triggers?: unknown[] }).triggers?.length, 'no triggers in the compiled rules')
    })
    let counted: string | undefined
    await check('POST /v1/events (publishable key) stores a batch once, and GET /v1/stats (secret key) counts it', async () => {
      const { triggers } = (await (await get('/v1/rules', keys.publishable)).json()) as { triggers: { id: string; arms: { name: string }[] }[] }
      const trigger = triggers[0]!.id
      const variant = triggers[0]!.arms[0]!.name
      const ts = Date.now()
      const event = (type: string, account: string) => ({ id: uuidv7(ts), type, ts, account, user: `${account}_admin`, trigger, variant })
      const events = [event('impression', 'acct_a'), event('impression', 'acct_b'), event('impression', 'acct_b'), event('click', 'acct_a'), event('dismiss', 'acct_b')]
      const post = async () => {
        const response = await fetch(`${base}/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.publishable}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
        })
        return { status: response.status, body: (await response.json()) as unknown }
      }
      assert.deepEqual(await post(), { status: 202, body: { accepted: 5, duplicates: 0, rejected: [] } })
      assert.deepEqual(await post(), { status: 202, body: { accepted: 0, duplicates: 5, rejected: [] } }, 'the batch sent again was not deduplicated')
      const response = await get(`/v1/stats?trigger=${trigger}`, keys.secret)
      const text = await response.text()
      assert.ok(response.status === 200, `status ${response.status}: ${text.slice(0, 300)}`)
      const row = (JSON.parse(text) as { rows: Record<string, unknown>[] }).rows.find((r) => r.trigger === trigger && r.variant === variant)
      assert.ok(row, `no ${trigger} × ${variant} row in ${text.slice(0, 300)}`)
      const { impressions, accounts_reached, clicks, dismissals, conversions } = row
      assert.deepEqual({ impressions, accounts_reached, clicks, dismissals, conversions }, { impressions: 3, accounts_reached: 2, clicks: 1, dismissals: 1, conversions: 0 })
      counted = trigger
      return `${trigger} × ${variant}: 3 impressions from 2 accounts, 1 click, 1 dismissal`
    })
    await check('GET /dashboard shows the sign-in form, the secret key signs in, and the report shows that trigger (Preact on the server, from dist/)', () => {
      assert.ok(counted, 'no trigger to find in the report: the batch above was not counted')
      return walkDashboard(base, keys.secret, counted)
    })
  }
  await browser?.(up ? base : undefined, keys.publishable)
  await check('serve logged no errors, and Node printed no warnings', () => {
    const errors = output.split('\n').filter((line) => line.includes('"level":"error"'))
    none([...errors, ...nodeWarnings(stderr)])
  })
  await check('serve stops on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, 20_000, 'timeout')))])
    clearTimeout(timer)
    assert.ok(code === 0, `exit ${code}; serve printed:\n${output.trim()}`)
    assert.ok(/Stopped\./.test(output), `no 'Stopped.'; serve printed:\n${output.trim()}`)
  })
}

// ── 6. the <script> build in a DOM ──────────────────────────────────────────────────────────────────────────

async function useIife(base: string | undefined, publishableKey: string): Promise<void> {
  const file = join(project, 'node_modules/@nudgekit/widgets/dist/nudgekit.iife.js')
  const dom = new JSDOM('<!doctype html><html><head></head><body><div id="usage"></div></body></html>', {
    url: `${base ?? 'http://127.0.0.1'}/app`,
    runScripts: 'outside-only',
  })
  try {
    const ok = await check(`the <script> build sets window.Nudgekit with ${IIFE_GLOBALS.join(', ')}`, () => {
      dom.window.eval(readFileSync(file, 'utf8'))
      const api = (dom.window as unknown as { Nudgekit?: Record<string, unknown> }).Nudgekit
      assert.ok(api, 'window.Nudgekit is not set')
      const absent = IIFE_GLOBALS.filter((name) => typeof api[name] !== 'function')
      none(absent.length ? [`${absent.join(', ')}; it has ${Object.keys(api).join(', ')}`] : [], 'not functions')
    })
    if (!ok || !base) return
    await check("its client loads the rules from the installed server and mountMeter shows '42 of <limit>'", async () => {
      const { Nudgekit } = dom.window as unknown as { Nudgekit: { createNudge(options: object): { setUsage(metric: string, value: number): void }; mountMeter(element: Element, nudge: unknown, metric: string): () => void } }
      const nudge = Nudgekit.createNudge({
        endpoint: base,
        key: publishableKey,
        fetch: globalThis.fetch,
        account: { id: 'acct_packages', plan: 'free', addons: [], createdAt: '2026-01-01', traits: {} },
        user: { id: 'user_packages', role: 'admin' },
      })
      nudge.setUsage('contacts', 42)
      const element = dom.window.document.getElementById('usage')!
      Nudgekit.mountMeter(element, nudge, 'contacts')
      const text = () => element.querySelector('[data-nudgekit]')?.shadowRoot?.textContent ?? ''
      await until(() => /42 of [\d,]+/.test(text()), 10_000, () => `the meter shows '${text()}'`)
    })
  } finally {
    dom.window.close()
  }
}

// ── 7. a host app on Preact 11, installed with npm ──────────────────────────────────────────────────────────

/**
 * The tarballs and `preact@11` (npm's latest) installed with npm in one command, as a new user does. Before
 * @nudgekit/widgets allowed Preact 11, npm refused that (ERESOLVE). Before the server built its Preact in, npm
 * hoisted Preact 11 beside the server's preact-render-to-string, which then rendered the server's Preact 10 pages
 * to nothing.
 */
function installWithNpm(): Promise<Ran> {
  mkdirSync(preact11.dir)
  writeFileSync(join(preact11.dir, 'package.json'), JSON.stringify({ name: 'nudgekit-preact11-host', private: true, type: 'module' }, null, 2))
  return run('npm', ['install', '--no-audit', '--no-fund', ...tarballOf.values(), 'preact@11'], preact11.dir, userEnv(), 180_000)
}

/** The Preact 11 app: the widgets bundle with its Preact; its server migrates and serves events, stats and the dashboard. */
async function useBesidePreact11(installed: Ran): Promise<void> {
  console.log('\n▶ a host app on Preact 11, installed with npm (the dashboard keeps its own Preact)')
  const ok = await check('npm installs the four tarballs and preact@11 in one command, with no peer conflict', () => {
    assert.ok(installed.code === 0, `npm install failed: ${shown(installed, 40)}`)
    const warned = /npm warn (?:peer|ERESOLVE).*/i.exec(installed.stderr)?.[0]
    assert.ok(!warned, `npm warned: ${warned}`)
    const lock = JSON.parse(readFileSync(join(preact11.dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; resolved?: string }> }
    const ours = Object.entries(lock.packages).filter(([path]) => /(?:^|\/)node_modules\/@nudgekit\/[^/]+$/.test(path))
    none(ours.filter(([path, entry]) => !manifests.has(path.slice('node_modules/'.length)) || !entry.resolved?.startsWith('file:')).map(([path, entry]) => `${path} from ${entry.resolved}`), 'not the packed tarballs')
    const preact = lock.packages['node_modules/preact']?.version
    assert.ok(preact?.startsWith('11.'), `the app's preact is ${preact}`)
    return `preact ${preact}`
  })
  if (!ok) return
  await check('a Preact host bundles the components with one copy of Preact, the app\'s 11', async () => {
    writeFileSync(join(preact11.dir, 'preact-host.tsx'), PREACT_HOST)
    const { metafile } = await build({
      absWorkingDir: preact11.dir, entryPoints: ['preact-host.tsx'], bundle: true, write: false, metafile: true,
      jsx: 'automatic', jsxImportSource: 'preact', logLevel: 'silent',
    })
    const copies = Object.keys(metafile.inputs).filter((input) => /(?:^|\/)preact\/dist\/preact\.(?:module\.js|mjs)$/.test(input))
    assert.deepEqual(copies, ['node_modules/preact/dist/preact.mjs'], 'the Preact modules in the bundle')
  })
  await check('nudgekit migrate applies the migrations to a new SQLite file (serve runs on it next)', () => migrates(PINNED, preact11))
  await serveAndUse(PINNED, preact11)
}

// ── 8. the oldest Node the engines allow ────────────────────────────────────────────────────────────────────

/**
 * Each package's engines.node, and the oldest Node they all allow: the highest of their lowest versions. Read from
 * the workspace's manifests (pnpm pack copies engines as they are), so that Node is fetched while they pack.
 */
function readEngines(): { declared: string; oldest: string | undefined; problems: string[] } {
  const byRange = new Map<string, string[]>()
  const problems: string[] = []
  let oldest: number[] | undefined
  for (const pkg of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as PackedManifest
    const range = manifest.engines?.node
    if (!range) {
      problems.push(`${manifest.name} declares no engines.node`)
      continue
    }
    byRange.set(range, [...(byRange.get(range) ?? []), manifest.name])
    // Each alternative of the range starts at its version ('^22.20.0', '>=24.7'); other shapes are not read.
    const floors = range.split('||').map((alternative) => /^\s*(?:\^|~|>=|=)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(alternative))
    if (floors.some((floor) => !floor)) {
      problems.push(`${manifest.name}: cannot read the lowest version of engines.node '${range}' (write '^22.20.0 || >=24.7.0' or '>=22.12')`)
      continue
    }
    const lowest = floors.map((floor) => [1, 2, 3].map((group) => Number(floor![group] ?? 0))).sort(compareVersions)[0]!
    if (!oldest || compareVersions(lowest, oldest) > 0) oldest = lowest
  }
  const declared = [...byRange].map(([range, names]) => `'${range}' (${names.join(', ')})`).join(', ')
  return { declared, oldest: oldest?.join('.'), problems }
}

/** Orders [major, minor, patch] triples, oldest first. */
function compareVersions(a: number[], b: number[]): number {
  return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!
}

/**
 * Node `version` from the npm package `node`, as the workspace gets its own: `npm exec` installs it into npm's
 * cache the first time and reuses it after. The binary, or what npm printed when that failed.
 */
async function nodeFromNpm(version: string): Promise<Runtime | Ran> {
  const script = 'process.stdout.write(JSON.stringify({ node: process.execPath, version: process.versions.node }))'
  const result = await run('npm', ['exec', '--yes', `--package=node@${version}`, '--', 'node', '-e', script], workdir, userEnv(), 300_000)
    .catch((error: unknown): Ran => ({ code: null, stdout: '', stderr: String(error) }))
  if (result.code !== 0) return result
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Runtime
}

/** What a server runs, on the oldest Node the engines allow: every Node entry, `validate`, `migrate`, `serve`. */
async function useOldestNode(): Promise<void> {
  const { declared, oldest, problems } = engines
  console.log(`\n▶ Node ${oldest ?? '(unknown)'}, the oldest the engines allow: ${declared}`)
  const before = { passed: passed(), failed: failed() }
  await check('every package declares an engines.node range this suite can read', () => none(problems))
  const fetched = await oldestNode
  const runtime = fetched && 'node' in fetched ? fetched : undefined
  const ok = await check(`npm exec --package=node@${oldest} runs Node ${oldest} (the npm package node, as the workspace gets its own)`, () => {
    assert.ok(fetched, 'no version to fetch')
    if (!runtime) throw new Error(`[nudgekit] Failed to get Node ${oldest} from the npm package node@${oldest}: ${shown(fetched as Ran)}. Check that npm can reach its registry ('npm ping').`)
    assert.ok(runtime.version === oldest, `it runs Node ${runtime.version}`)
    return runtime.node
  })
  if (ok && runtime) {
    await check('every Node entry imports and require()s with the exports it must have, with no warning from Node', async () => {
      const { seen, ran } = await importInNode(runtime)
      const entries = publicEntries().filter((entry) => !BROWSER_ONLY.has(entry))
      none([
        ...entries.flatMap((entry) => importProblems(entry, seen[entry]).map((problem) => `${entry}: ${problem}`)),
        ...requireProblems(seen),
        ...nodeWarnings(ran.stderr),
      ])
      return `${entries.length} entries`
    })
    await check('nudgekit validate examples/rules/acme-crm.yaml exits 0', () => validates(runtime))
    await check('nudgekit migrate applies the migrations to a new SQLite file (serve runs on it next)', () => migrates(runtime, consumer))
    await serveAndUse(runtime, consumer)
  }
  const broke = failed() - before.failed
  const checks = passed() - before.passed + broke
  console.log(broke
    ? `\nNode ${oldest}: ${broke} of ${checks} checks failed (above): the engines allow a Node the packages do not work on. Fix the code, or raise engines.node.`
    : `\nNode ${oldest} (from npm, the oldest the engines allow): all ${checks} checks passed: every Node entry imported and require()d, nudgekit validate and migrate, nudgekit serve on SQLite counted a batch of events in /v1/stats and the dashboard reported it, no Node warnings.`)
}

// ── 9. a browser bundle ─────────────────────────────────────────────────────────────────────────────────────

async function bundleForBrowser(): Promise<void> {
  console.log('\n▶ bundle for the browser (esbuild)')
  writeFileSync(join(project, 'browser-app.ts'), BROWSER_APP)
  const bundle = (entry: string) =>
    build({
      absWorkingDir: project,
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      jsx: 'automatic',
      jsxImportSource: 'preact',
      logLevel: 'silent',
    })
  /** Inputs by path relative to the project; anything outside it was resolved from the workspace. */
  const inputsOf = (metafile: Metafile) => Object.keys(metafile.inputs)

  await check('an app importing @nudgekit/sdk and @nudgekit/widgets bundles for the browser without zod or yaml', async () => {
    const result = await bundle('browser-app.ts')
    const inputs = inputsOf(result.metafile)
    const outside = inputs.filter((input) => input.startsWith('..') || input.startsWith('/'))
    none(outside, 'resolved from outside the project')
    const heavy = inputs.filter((input) => /node_modules\/(?:\.pnpm\/)?(?:zod|yaml)[@/]|@nudgekit\/rules\/dist\/index\.js$/.test(input))
    none(heavy, 'the browser bundle pulls the server-side rules code')
    assert.ok(inputs.some((input) => input.includes('@nudgekit/sdk/dist/')), `@nudgekit/sdk's dist is not in the bundle: ${inputs.join(', ')}`)
    const code = result.outputFiles[0]!.contents
    return `${(code.length / 1024).toFixed(1)} KB minified, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} KB gzip`
  })
  await check("a Preact host bundles the components with one copy of Preact (its own)", async () => {
    const result = await bundle('preact-host.tsx')
    const copies = inputsOf(result.metafile).filter((input) => /(?:^|\/)preact\/dist\/preact\.module\.js$/.test(input))
    assert.ok(copies.length === 1, `Preact in the bundle ${copies.length} times: ${copies.join(', ')}`)
  })
}

// ── 10. types, as a user's tsc sees them ────────────────────────────────────────────────────────────────────

function startTypecheck(): Promise<Ran[]> {
  writeFileSync(join(project, 'consumer.ts'), TYPED_CONSUMER)
  writeFileSync(join(project, 'preact-host.tsx'), PREACT_HOST)
  return Promise.all(
    RESOLUTIONS.map(([name, resolution]) => {
      const config = `tsconfig.${name}.json`
      writeFileSync(join(project, config), JSON.stringify({
        compilerOptions: {
          ...resolution,
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
          jsx: 'react-jsx',
          jsxImportSource: 'preact',
          types: ['node'],
          // A server app has @types/node; the workspace's copy stands in for the user's.
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['consumer.ts', 'preact-host.tsx'],
      }, null, 2))
      return run(process.execPath, [TSC, '-p', config], project)
    }),
  )
}

async function reportTypecheck(results: Ran[]): Promise<void> {
  console.log('\n▶ type check a consumer (tsc, strict, skipLibCheck: false)')
  for (const [index, [name]] of RESOLUTIONS.entries()) {
    await check(`tsc --moduleResolution ${name} accepts a consumer of every package (createNudge, mount, mountGate, createHandler, sqlite, loadRules, compile, Preact components)`, () => {
      const result = results[index]!
      assert.ok(result.code === 0, shown(result, 40))
    })
  }
}
