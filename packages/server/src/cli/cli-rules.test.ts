import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../../', import.meta.url))
const example = 'examples/rules/acme-crm.yaml'
const account = JSON.stringify({ id: 'a1', plan: 'free', createdAt: '2026-01-01' })
const now = '2026-11-23T12:00:00Z'

const { FORCE_COLOR: _force, ...inherited } = process.env
const plainEnv = { ...inherited, NO_COLOR: '1' }

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs `nudgekit …` the way `pnpm nudgekit` does, from the repository root. */
function nudgekit(...args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--conditions=@nudgekit/source', '--disable-warning=ExperimentalWarning', 'packages/server/src/cli/main.ts', ...args],
      { cwd: root, env: plainEnv },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'nudgekit-cli-')), name)
  writeFileSync(path, text)
  return path
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+[:(]\d+/)

describe('nudgekit', { timeout: 60_000 }, () => {
  it('suggests the command meant, prints usage on stderr without a command, and a command\'s help for help <command>', async () => {
    const typo = await nudgekit('valdate', 'x.yaml')
    expect([typo.code, typo.stdout, typo.stderr]).toEqual([1, '', "[nudgekit] Failed to run 'valdate': no such command. Did you mean 'nudgekit validate'?\n"])
    const bare = await nudgekit()
    expect([bare.code, bare.stdout]).toEqual([1, ''])
    expect(bare.stderr).toMatch(/^Usage: nudgekit <command>/)
    const help = await nudgekit('help', 'validate')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: nudgekit validate <file>/)
  })
})

describe('nudgekit validate', { timeout: 60_000 }, () => {
  it('exits 0 with a one-line summary for the example', async () => {
    const { code, stdout, stderr } = await nudgekit('validate', example)
    expect(code).toBe(0)
    expect(stdout).toMatch(/^examples\/rules\/acme-crm\.yaml: valid — 3 plans, 1 add-on, 9 triggers \(hash [0-9a-f]{12}\)\n$/)
    expect(stderr).toBe('')
  })

  it('exits 1 with every problem compiler-style and a count', async () => {
    const file = tempFile('bad.yaml', 'version: 1\nmetrics: { invoices: { label: invoices } }\nplans:\n  - { id: free, name: Free, limits: { invoices: 10 } }\ntriggers:\n  - id: t\n    when: { usage: invoice, at_least: 80% }\n    prompt: { placement: banner, title: Hi, cta: { label: Go, url: "javascript:alert(1)" } }\n')
    const { code, stdout, stderr } = await nudgekit('validate', file)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain(`${file}:7:20 error unknown metric 'invoice' — did you mean 'invoices'? (triggers[0].when.usage)`)
    expect(stderr).toContain(`${file}:8:68 error CTA URL uses the 'javascript:' scheme, which is refused (triggers[0].prompt.cta.url)`)
    expect(stderr).toContain(`[nudgekit] Failed to validate ${file}: 2 errors. Fix the problems above and run it again.`)
    noStack(stderr)
  })

  it('prints one clear line for a missing file, a directory and a missing argument', async () => {
    const cases = [
      [['validate', 'nope.yaml'], "[nudgekit] Failed to validate: cannot read 'nope.yaml' (no such file). Check the path.\n"],
      [['validate', 'examples'], "[nudgekit] Failed to validate: cannot read 'examples' (it is a directory). Check the path.\n"],
      [['validate'], "[nudgekit] Failed to validate: no rules file given. Run 'nudgekit validate <file>'.\n"],
      [['validate', example, '--frob'], "[nudgekit] Failed to validate: Unknown option '--frob'. Run 'nudgekit validate --help' for the options.\n"],
    ] as const
    const runs = await Promise.all(cases.map(([args]) => nudgekit(...args)))
    expect(runs.map(({ code, stderr }) => [code, stderr])).toEqual(cases.map(([, message]) => [1, message]))
  })

  it('says in one line which flag lacks its value or what argument a command does not take', async () => {
    const cases = [
      [['serve', '--port', '--rules', example], "[nudgekit] Failed to start the server: option '--port' needs a value. Run 'nudgekit serve --help' for the options.\n"],
      [['serve', '--rules'], "[nudgekit] Failed to start the server: option '--rules' needs a value. Run 'nudgekit serve --help' for the options.\n"],
      [['migrate', 'extra'], "[nudgekit] Failed to migrate: Unexpected argument 'extra'. Run 'nudgekit migrate --help' for the options.\n"],
      [['stats', '--from', '--to', '2026-01-01'], "[nudgekit] Failed to read stats: option '--from' needs a value. Run 'nudgekit stats --help' for the options.\n"],
      [['simulate', example, '--account'], "[nudgekit] Failed to simulate: option '--account' needs a value. Run 'nudgekit simulate --help' for the options.\n"],
    ] as const
    const runs = await Promise.all(cases.map(([args]) => nudgekit(...args)))
    expect(runs.map(({ code, stderr }) => [code, stderr])).toEqual(cases.map(([, message]) => [1, message]))
  })

  it('answers --format json with JSON even when the file cannot be read', async () => {
    const { code, stdout } = await nudgekit('validate', 'missing.yaml', '--format', 'json')
    expect(code).toBe(1)
    expect(JSON.parse(stdout)).toEqual({ valid: false, file: 'missing.yaml', error: "[nudgekit] Failed to validate: cannot read 'missing.yaml' (no such file). Check the path.", issues: [] })
  })

  it('refuses an empty file and a file over 1 MB with a clear message', async () => {
    const empty = await nudgekit('validate', tempFile('empty.yaml', ''))
    expect(empty.code).toBe(1)
    expect(empty.stderr).toMatch(/empty\.yaml:1:1 error the file is empty\n {2}hint: start with `version: 1`/)
    const big = await nudgekit('validate', tempFile('big.yaml', `version: 1\n# ${'x'.repeat(1_100_000)}\n`))
    expect(big.code).toBe(1)
    expect(big.stderr).toMatch(/over the 1 MB limit/)
    noStack(big.stderr)
  })

  it('fails on warnings with --strict and reports issues as JSON with --format json', async () => {
    const file = tempFile('warn.yaml', 'version: 1\nplans: [{ id: free, name: Free }, { id: pro, name: Pro }]\ntriggers:\n  - id: t\n    when: { event: e, count_at_least: 1 }\n    audience: { plans: [pro] }\n    prompt: { placement: toast, title: Hi, target: free, cta: { label: Go, url: /go } }\n')
    expect((await nudgekit('validate', file)).code).toBe(0)
    expect((await nudgekit('validate', file, '--strict')).code).toBe(1)
    const json = await nudgekit('validate', file, '--format', 'json')
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, issues: [{ code: 'suspicious_target', severity: 'warning', line: 7, column: 52 }] })
  })

  it('prints its help', async () => {
    const { code, stdout } = await nudgekit('validate', '--help')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: nudgekit validate <file>/)
  })
})

describe('nudgekit schema', { timeout: 60_000 }, () => {
  it('prints the committed JSON Schema', async () => {
    const { code, stdout } = await nudgekit('schema')
    expect(code).toBe(0)
    expect(stdout).toBe(readFileSync(join(root, 'packages/rules/schema.json'), 'utf8'))
  })
})

describe('nudgekit simulate', { timeout: 60_000 }, () => {
  it('shows the contacts banner with rendered copy for a free account at 90 % of its contacts', async () => {
    const { code, stdout, stderr } = await nudgekit('simulate', example, '--account', account, '--usage', 'contacts=45', '--now', now)
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(/^examples\/rules\/acme-crm\.yaml: account a1 on Free, user simulated-user \(no role, a buyer\), at 2026-11-23T12:00:00\.000Z\n/)
    expect(stdout).toMatch(/Would show:\n {2}contacts-80 {2}banner \[variant (control|room)\], target plan 'pro'\n/)
    expect(stdout).toContain('body:  Pro raises the limit to 5,000 contacts, from $49 a month.')
    expect(stdout).toContain('cta:   Upgrade to Pro → /billing/upgrade?plan=pro&from=contacts-80')
    expect(stdout).toMatch(/Not matched \(condition false\): contacts-100, segmentation-gate/)
  })

  it('explains suppressions: account age, cooldown, role and the top of the ladder', async () => {
    const young = await nudgekit('simulate', example, '--account', JSON.stringify({ id: 'a7', plan: 'free', createdAt: '2026-11-20' }), '--user', '{"id":"u2","role":"member"}',
      '--usage', 'contacts=60', '--usage', 'seats=3', '--gate', 'segmentation', '--state', '{"contacts-100":{"impressions":1,"lastShownAt":"2026-11-23T11:00:00Z"}}', '--now', now)
    expect(young.code).toBe(0)
    expect(young.stdout).toContain("segmentation-gate  inline at gate 'segmentation', non-buyer copy, target plan 'pro'")
    expect(young.stdout).toContain('cta:   Ask your admin (records an upgrade request)')
    // 3.5 days old: floored, so the sentence never says the account is as old as the guard that stops it.
    expect(young.stdout).toMatch(/contacts-80 +suppressed: the account is 3d old, min_account_age is 7d/)
    expect(young.stdout).toMatch(/contacts-100 +suppressed: shown 1h ago, cooldown is 1d/)
    expect(young.stdout).toMatch(/seats-cap +suppressed: role 'member' is not in audience.roles \[buyer\]/)
    const top = await nudgekit('simulate', example, '--account', '{"id":"b1","plan":"business"}', '--usage', 'api_calls=2000000', '--now', now)
    expect(top.stdout).toMatch(/api-calls-high +suppressed: no plan or add-on to offer above plan 'business'/)
  })

  it('gives decisions, explanations and prompts as JSON', async () => {
    const { code, stdout } = await nudgekit('simulate', example, '--account', account, '--usage', 'contacts=45', '--event', 'report_viewed=6', '--now', now, '--format', 'json')
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.decisions).toHaveLength(9)
    expect(result.decisions.find((d: { trigger: string }) => d.trigger === 'contacts-80')).toMatchObject({ status: 'show', prompt: { placement: 'banner', target: { id: 'pro' } } })
    expect(result.decisions.find((d: { trigger: string }) => d.trigger === 'reports-cross-sell')).toMatchObject({ status: 'show', prompt: { placement: 'toast', title: 'Teams like yours add Analytics' } })
    expect(result.prompts.banner.trigger).toBe('contacts-80')
  })

  it('refuses unknown plans, metrics and malformed JSON with one line and a suggestion', async () => {
    const cases = [
      [['--account', '{"id":"a1","plan":"fre"}'], "[nudgekit] Failed to simulate: --account plan names unknown plan 'fre' (the rules have free, pro, business). Did you mean 'free'?\n"],
      [['--account', account, '--usage', 'contact=4'], "[nudgekit] Failed to simulate: --usage names unknown metric 'contact' (the rules have contacts, seats, api_calls). Did you mean 'contacts'?\n"],
      [['--account', '{"id":"a1","plan":"free","created_at":"2026-01-01"}'], "[nudgekit] Failed to simulate: --account has unknown key 'created_at' (it takes id, plan, addons, createdAt, renewsAt, traits). Did you mean 'createdAt'?\n"],
      [['--account', account, '--user', '{"roles":"member"}'], "[nudgekit] Failed to simulate: --user has unknown key 'roles' (it takes id, role). Did you mean 'role'?\n"],
      [['--account', account, '--usage', 'contacts=-5'], "[nudgekit] Failed to simulate: --usage 'contacts=-5' is not name=number. Write it like --usage contacts=45 (a decimal number, not negative).\n"],
      [['--account', account, '--usage', 'contacts=0x10'], "[nudgekit] Failed to simulate: --usage 'contacts=0x10' is not name=number. Write it like --usage contacts=45 (a decimal number, not negative).\n"],
      [['--account', account, '--state', '{"contacts-80":{"dismissedAt":"2026-12-01"}}'], '[nudgekit] Failed to simulate: --state contacts-80.dismissedAt is not read by the evaluator: a dismissal suppresses a prompt through its snooze. Pass "snoozedUntil" instead, e.g. "snoozedUntil": "2026-12-08" (the dismissal time plus snooze_on_dismiss).\n'],
      [['--account', account, '--state', '{"contacts-80":{"showing":"yes"}}'], '[nudgekit] Failed to simulate: --state contacts-80.showing must be true or false, got "yes". Write e.g. "showing": true.\n'],
      [['--account', '{"id":"a1","plan":"free","traits":[1]}'], `[nudgekit] Failed to simulate: --account "traits" must be a JSON object. Pass e.g. --account '{"id":"a1","plan":"free","traits":{"industry":"retail"}}'.\n`],
      [['--account', '{id: a1}'], `[nudgekit] Failed to simulate: --account is not valid JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2)). Quote it for the shell, e.g. --account '{"id":"a1"}'.\n`],
      [['--usage', 'contacts=4'], `[nudgekit] Failed to simulate: --account is required. Pass the account as JSON, e.g. --account '{"id":"a1","plan":"free"}'.\n`],
      [['--account', account, '--now', 'yesterday'], "[nudgekit] Failed to simulate: --now 'yesterday' is not a date. Use an ISO date like 2026-01-31 or 2026-01-31T09:00:00Z, or epoch milliseconds.\n"],
    ] as const
    const runs = await Promise.all(cases.map(([args]) => nudgekit('simulate', example, ...args)))
    expect(runs.map(({ code, stdout, stderr }) => [code, stdout, stderr])).toEqual(cases.map(([, message]) => [1, '', message]))
  })

  it('takes --now as epoch milliseconds and prints the rules warnings before simulating', async () => {
    const file = tempFile('warned.yaml', 'version: 1\nplans: [{ id: free, name: Free }]\ntriggers:\n  - id: t\n    when: { event: e, count_at_least: 1 }\n    prompt: { placement: toast, title: Hi }\n')
    const { code, stdout, stderr } = await nudgekit('simulate', file, '--account', '{"id":"a1","plan":"free"}', '--event', 'e=1', '--now', '1767225600000')
    expect(code).toBe(0)
    expect(stdout).toContain('at 2026-01-01T00:00:00.000Z')
    expect(stderr).toContain(`${file}:6:13 warning the prompt has no cta, so its button has no url: a click is only recorded (triggers[0].prompt)`)
  })

  it('prints the rules file problems instead of simulating an invalid file', async () => {
    const file = tempFile('bad.yaml', 'version: 1\nplans: [{ id: free, name: Free }]\ntrigers: []\n')
    const { code, stderr } = await nudgekit('simulate', file, '--account', account)
    expect(code).toBe(1)
    expect(stderr).toContain(`${file}:3:1 error unknown key 'trigers' — did you mean 'triggers'? (trigers)`)
  })

  it('prints its help', async () => {
    const { code, stdout } = await nudgekit('simulate', '-h')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Usage: nudgekit simulate <file> --account <json\|file>/)
  })
})
