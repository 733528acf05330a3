// The code a user writes against the installed packages, as text written into the throwaway project: as files
// here, the workspace's tsconfig would check them against src/ (the `@nudgekit/source` condition) instead.

/**
 * Node script: imports each `[specifier, kind]` of argv[2] and prints what it exports, or why it failed; modules
 * also through require(), as a CommonJS app loads them (Node's require of ES modules).
 */
export const IMPORT_ENTRIES = `
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const failure = (error) => String(error && error.stack || error).split('\\n').slice(0, 4).join('\\n')
const out = {}
for (const [specifier, kind] of JSON.parse(process.argv[2])) {
  try {
    if (kind === 'json') {
      const { default: json } = await import(specifier, { with: { type: 'json' } })
      out[specifier] = { keys: Object.keys(json), name: json.name, version: json.version }
      continue
    }
    out[specifier] = { names: Object.keys(await import(specifier)) }
  } catch (error) {
    out[specifier] = { error: failure(error) }
    continue
  }
  try {
    out[specifier].required = Object.keys(require(specifier))
  } catch (error) {
    out[specifier].requireError = failure(error)
  }
}
process.stdout.write(JSON.stringify(out))
`

/**
 * Node script: the server as a library, the README's way: createHandler with a rules file (argv[2]) and a
 * SQLite file (argv[3]), whose migrations the package must find from dist/. Prints the statuses it got.
 */
export const SERVER_LIBRARY = `
import { createHandler, generateKeys, sqlite } from '@nudgekit/server'

const keys = generateKeys()
const store = sqlite(process.argv[3])
const handler = createHandler({ rules: process.argv[2], store, keys, logger: { info() {}, warn() {}, error() {} } })
const health = await handler(new Request('http://localhost/healthz'))
const rules = await handler(new Request('http://localhost/v1/rules', { headers: { authorization: 'Bearer ' + keys.publishable } }))
const body = await rules.json()
await handler.close()
await store.close()
process.stdout.write(JSON.stringify({ healthz: health.status, rules: rules.status, triggers: body.triggers?.length }))
`

/** The client both browser sources create (the README's integration section's options). */
const CLIENT = `const nudge = createNudge({
  endpoint: '/nudgekit',
  key: 'pk_live_0123456789abcdef',
  account: { id: 'acct_42', plan: 'free', addons: [], createdAt: '2026-05-01', traits: {} },
  user: { id: 'user_7', role: 'admin' },
})`

/** A browser app as the README's integration section writes it; bundled with esbuild for the browser. */
export const BROWSER_APP = `
import { createNudge } from '@nudgekit/sdk'
import { mount, mountGate, mountMeter } from '@nudgekit/widgets'

${CLIENT}
nudge.setUsage('contacts', 42)
mount(nudge, { theme: 'system', onCta: (prompt) => console.log(prompt.target?.id) })
mountGate(document.querySelector('#segments')!, nudge, 'segmentation')
mountMeter(document.querySelector('#contacts-usage')!, nudge, 'contacts')
`

/**
 * Typed consumer code across every package. The \`@ts-expect-error\` lines fail the check if a type
 * degrades to \`any\` (an unresolved import in a .d.ts), since the directive is then unused.
 */
export const TYPED_CONSUMER = `
import { createNudge, type GateResult, type Nudge, type Prompt } from '@nudgekit/sdk'
import { mount, mountGate, mountMeter, type MountOptions } from '@nudgekit/widgets'
import { createHandler, generateKeys, nodeMiddleware, serve, sqlite, type Handler, type StatsRow, type Store } from '@nudgekit/server'
import { compile, formatIssues, loadRules, parseRulesText, validateRules, type Rules, type RulesIssue } from '@nudgekit/rules'
import { createEvaluator, isSafeUrl, type CompiledRules, type Evaluator } from '@nudgekit/rules/evaluator'

const nudge: Nudge = createNudge({
  endpoint: 'https://app.example.com/nudgekit',
  key: 'pk_live_0123456789abcdef',
  account: { id: 'acct_42', plan: 'free', addons: [], createdAt: '2026-05-01', traits: { billing_cycle: 'monthly' } },
  user: { id: 'user_7', role: 'admin' },
})
nudge.setUsage('contacts', 42)
const gate: GateResult = nudge.gate('segmentation')
const allowed: boolean = gate.allowed
// @ts-expect-error a feature id is a string
nudge.gate(42)
const options: MountOptions = { theme: 'dark', onCta: (prompt: Prompt) => console.log(prompt.trigger) }
const unmount: () => void = mount(nudge, options)
mountGate(document.body, nudge, 'segmentation')
mountMeter(document.body, nudge, 'contacts', { warnAt: 80 })

const keys = generateKeys()
const store: Store = sqlite('./nudgekit.db')
const handler: Handler = createHandler({ rules: './nudgekit.yaml', store, keys, cors: ['https://app.example.com'] })
const response: Promise<Response> = handler(new Request('http://localhost/healthz'))
// @ts-expect-error the store is required
createHandler({ rules: './nudgekit.yaml', keys })
const rows: StatsRow[] = []

const result = loadRules('version: 1', { filename: 'nudgekit.yaml' })
// @ts-expect-error rules exist only when the file loaded
result.rules
if (result.ok) {
  const rules: Rules = result.rules
  const compiled: CompiledRules = compile(rules)
  const evaluator: Evaluator = createEvaluator(compiled)
  void evaluator
} else {
  const issues: RulesIssue[] = result.issues
  console.error(formatIssues(issues))
}
const parsed = parseRulesText('version: 1', { filename: 'nudgekit.yaml' })
validateRules(parsed.value)
const safe: boolean = isSafeUrl('/billing')

export { allowed, unmount, response, rows, safe, serve, nodeMiddleware }
`

/** A Preact host using the components (the app's own Preact renders them). */
export const PREACT_HOST = `
import { render } from 'preact'
import { useState } from 'preact/hooks'
import { createNudge } from '@nudgekit/sdk'
import { adoptStyles, FeatureGate, NudgeHost, NudgeRoot, UpgradeButton, UsageMeter } from '@nudgekit/widgets'

${CLIENT}

function App() {
  const [count] = useState(0)
  return (
    <NudgeRoot theme="system" onCta={(prompt) => console.log(prompt.trigger)} locale="en-US">
      <NudgeHost nudge={nudge} placement="banner" />
      {/* @ts-expect-error inline prompts are the gates' */}
      <NudgeHost nudge={nudge} placement="inline" />
      <FeatureGate nudge={nudge} feature="segmentation"><p>{count} segments</p></FeatureGate>
      <UsageMeter nudge={nudge} metric="contacts" warnAt={80} criticalAt={100} />
      <UpgradeButton nudge={nudge} />
    </NudgeRoot>
  )
}

adoptStyles(document)
render(<App />, document.body)
`
