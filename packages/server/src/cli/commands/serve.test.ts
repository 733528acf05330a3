import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readMigrations } from '../../store/migrations.ts'
import { RULES_YAML } from '../../test-support/rules.ts'
import type { CliIO } from '../command.ts'
import { run } from '../run.ts'
import { startServer } from './serve.ts'

const dir = mkdtempSync(join(tmpdir(), 'nudgekit-serve-'))
const rulesFile = join(dir, 'nudgekit.yaml')
writeFileSync(rulesFile, RULES_YAML)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function capture(env: Record<string, string> = {}): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd: dir }
}

describe('nudgekit serve', () => {
  it('checks the keys before it creates the database, and says what is wrong in one line', async () => {
    const io = capture()
    const attempt = startServer(['--rules', rulesFile, '--db', 'keys.db', '--port', '0', '--secret-key', 'sk_x', '--publishable-key', 'pk_x'], io)
    await expect(attempt).rejects.toThrow(
      "Failed to start the server: --publishable-key: a publishable key must start with 'pk_' and be at least 16 characters (got 4 characters). Pass a real key (or neither key, for a generated local pair).",
    )
    expect(existsSync(join(dir, 'keys.db'))).toBe(false)
  })

  it('refuses a malformed database URL before the driver sees it', async () => {
    await expect(startServer(['--rules', rulesFile, '--port', '0', '--database-url', 'postgres://postgres@[::1'], capture())).rejects.toThrow(
      'Failed to start the server: --database-url is not a valid URL.',
    )
  })

  it('generates and prints keys, serves the API with them, and stops', async () => {
    const io = capture()
    const started = await startServer(['--rules', rulesFile, '--db', join(dir, 'serve.db'), '--port', '0'], io)
    try {
      expect(started!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const printed = io.stderr.join('\n')
      expect(printed).toContain(`publishable: ${started!.keys.publishable}`)
      expect(printed).toContain(`secret:      ${started!.keys.secret}`)
      expect(printed).toContain(`[nudgekit] Dashboard: ${started!.url}/dashboard (sign in with the secret key)`)
      expect((await fetch(`${started!.url}/healthz`)).status).toBe(200)
      const rules = await fetch(`${started!.url}/v1/rules`, { headers: { authorization: `Bearer ${started!.keys.publishable}` } })
      expect(rules.status).toBe(200)
      const stats = await fetch(`${started!.url}/v1/stats`, { headers: { authorization: `Bearer ${started!.keys.publishable}` } })
      expect(stats.status).toBe(403)
    } finally {
      await started!.stop()
    }
  })

  it('takes keys from the environment', async () => {
    const io = capture({ NUDGEKIT_PUBLISHABLE_KEY: 'pk_env_0123456789abcdef', NUDGEKIT_SECRET_KEY: 'sk_env_0123456789abcdef' })
    const started = await startServer(['--rules', rulesFile, '--db', ':memory:', '--port', '0'], io)
    try {
      expect(started!.keys).toEqual({ publishable: ['pk_env_0123456789abcdef'], secret: ['sk_env_0123456789abcdef'] })
      expect(io.stderr.join('\n')).not.toContain('Generated keys')
    } finally {
      await started!.stop()
    }
  })

  it('accepts several keys of a kind from a comma-separated environment variable, so a key can be rolled', async () => {
    const io = capture({
      NUDGEKIT_PUBLISHABLE_KEY: ' pk_old_0123456789abcdef , pk_new_0123456789abcdef',
      NUDGEKIT_SECRET_KEY: 'sk_old_0123456789abcdef,sk_new_0123456789abcdef',
    })
    const started = await startServer(['--rules', rulesFile, '--db', ':memory:', '--port', '0'], io)
    try {
      const status = async (path: string, key: string) => (await fetch(`${started!.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).status
      for (const key of ['pk_old_0123456789abcdef', 'pk_new_0123456789abcdef']) expect(await status('/v1/rules', key), key).toBe(200)
      for (const key of ['sk_old_0123456789abcdef', 'sk_new_0123456789abcdef']) expect(await status('/v1/stats', key), key).toBe(200)
      expect(await status('/v1/rules', 'pk_old_0123456789abcdef,pk_new_0123456789abcdef')).toBe(401)
    } finally {
      await started!.stop()
    }
  })

  it('accepts a repeated key flag and comma-separated flag values, keeping every key', async () => {
    const io = capture()
    const started = await startServer([
      '--rules', rulesFile, '--db', ':memory:', '--port', '0',
      '--publishable-key', 'pk_old_0123456789abcdef', '--publishable-key', 'pk_new_0123456789abcdef',
      '--secret-key', 'sk_old_0123456789abcdef, sk_new_0123456789abcdef',
    ], io)
    try {
      expect(started!.keys).toEqual({
        publishable: ['pk_old_0123456789abcdef', 'pk_new_0123456789abcdef'],
        secret: ['sk_old_0123456789abcdef', 'sk_new_0123456789abcdef'],
      })
      const status = async (key: string) => (await fetch(`${started!.url}/v1/rules`, { headers: { authorization: `Bearer ${key}` } })).status
      expect([await status('pk_old_0123456789abcdef'), await status('pk_new_0123456789abcdef')]).toEqual([200, 200])
    } finally {
      await started!.stop()
    }
  })

  it('checks each of several keys and says which one is wrong and where it came from', async () => {
    const io = capture({ NUDGEKIT_PUBLISHABLE_KEY: 'pk_old_0123456789abcdef,sk_new_0123456789abcdef', NUDGEKIT_SECRET_KEY: 'sk_old_0123456789abcdef' })
    expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:'], io)).toBe(1)
    expect(io.stderr).toEqual([
      "[nudgekit] Failed to start the server: $NUDGEKIT_PUBLISHABLE_KEY (key 2 of 2): a publishable key must start with 'pk_' and be at least 16 characters (got a key starting with 'sk_'). Pass a real key (or neither key, for a generated local pair).",
    ])
  })

  it('prints every problem of an invalid rules file with its position, and exits 1', async () => {
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, RULES_YAML.replace('usage: contacts', 'usage: contact'))
    const io = capture()
    expect(await run(['serve', '--rules', bad, '--db', ':memory:'], io)).toBe(1)
    expect(io.stderr.join('\n')).toMatch(/Failed to start the server: the rules file has problems\.\n[\s\S]*bad\.yaml:\d+:\d+/)
  })

  it('explains a missing or unreadable rules file in one line', async () => {
    const missing = capture()
    expect(await run(['serve'], missing)).toBe(1)
    expect(missing.stderr).toEqual(['[nudgekit] Failed to start the server: no rules file. Pass --rules <file>, e.g. --rules nudgekit.yaml.'])
    const unreadable = capture()
    expect(await run(['serve', '--rules', 'nope.yaml'], unreadable)).toBe(1)
    expect(unreadable.stderr).toEqual(["[nudgekit] Failed to start the server: cannot read 'nope.yaml' (no such file). Check the path."])
    const directory = capture()
    expect(await run(['serve', '--rules', '.'], directory)).toBe(1)
    expect(directory.stderr).toEqual(["[nudgekit] Failed to start the server: cannot read '.' (it is a directory). Check the path."])
  })

  it('explains a port in use in one line', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const io = capture()
    try {
      expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:', '--port', String(port)], io)).toBe(1)
    } finally {
      blocker.close()
    }
    expect(io.stderr).toEqual([`[nudgekit] Failed to start the server: port ${port} on 127.0.0.1 is in use. Pass --port with a free port, or stop the other server.`])
  })

  it('explains an unreachable database in one line, without its password', async () => {
    const io = capture({ NUDGEKIT_DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/test' })
    expect(await run(['serve', '--rules', rulesFile], io)).toBe(1)
    expect(io.stderr).toHaveLength(1)
    expect(io.stderr[0]).toMatch(/^\[nudgekit\] Failed to start the server: the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test is unreachable/)
  }, 15_000)

  it('applies --rate-limit and --rate-burst, and refuses a non-positive value', async () => {
    const io = capture()
    const started = await startServer(['--rules', rulesFile, '--db', ':memory:', '--port', '0', '--rate-limit', '1', '--rate-burst', '2'], io)
    try {
      const get = () => fetch(`${started!.url}/v1/rules`, { headers: { authorization: `Bearer ${started!.keys.publishable}` } })
      expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([200, 200, 429])
    } finally {
      await started!.stop()
    }
    const bad = capture()
    expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:', '--rate-limit', '0'], bad)).toBe(1)
    expect(bad.stderr).toEqual(["[nudgekit] Failed to start the server: --rate-limit '0' is not a positive number. Pass e.g. --rate-limit 50."])
  })

  it('takes --webhook-timeout and --webhook-lease as durations, and refuses a lease an attempt could outlast', async () => {
    const io = capture()
    const started = await startServer(['--rules', rulesFile, '--db', ':memory:', '--port', '0', '--webhook-timeout', '1s', '--webhook-lease', '3s'], io)
    await started!.stop()
    const notDuration = capture()
    expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:', '--webhook-lease', '3000'], notDuration)).toBe(1)
    expect(notDuration.stderr).toEqual(["[nudgekit] Failed to start the server: --webhook-lease '3000' is not a positive duration. Pass e.g. --webhook-lease 90s."])
    const short = capture()
    expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:', '--webhook-lease', '10s'], short)).toBe(1)
    expect(short.stderr).toEqual([
      '[nudgekit] Failed to start the server: the webhook lease (10s) is not longer than an attempt may take (--webhook-timeout 10s), so another instance could take over a delivery still under way. Pass a longer --webhook-lease or a shorter --webhook-timeout.',
    ])
  })

  it('normalises a --cors origin with a trailing slash, and refuses a wildcard or a value without a scheme', async () => {
    const io = capture()
    const started = await startServer(['--rules', rulesFile, '--db', ':memory:', '--port', '0', '--cors', 'https://app.example.com/'], io)
    try {
      const response = await fetch(`${started!.url}/v1/rules`, {
        headers: { authorization: `Bearer ${started!.keys.publishable[0]}`, origin: 'https://app.example.com' },
      })
      expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    } finally {
      await started!.stop()
    }
    for (const [value, problem] of [['*', "'*' is a wildcard, which is not supported"], ['app.example.com', "'app.example.com' is not an origin: it has no scheme"]]) {
      const bad = capture()
      expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:', '--cors', 'https://ok.example.com', '--cors', value!], bad)).toBe(1)
      expect(bad.stderr).toEqual([
        `[nudgekit] Failed to start the server: --cors ${problem}. Pass each origin as scheme://host[:port], e.g. https://app.example.com (wildcards are not supported: list each origin).`,
      ])
    }
  })

  it('refuses a single key', async () => {
    const io = capture({ NUDGEKIT_SECRET_KEY: 'sk_test_0123456789abcdef' })
    expect(await run(['serve', '--rules', rulesFile, '--db', ':memory:'], io)).toBe(1)
    expect(io.stderr[0]).toContain('only one key was given')
  })
})

describe('nudgekit migrate', () => {
  it('applies the migrations once, then reports the database up to date', async () => {
    const db = join(dir, 'migrate.db')
    const first = capture()
    expect(await run(['migrate', '--db', db], first)).toBe(0)
    const versions = readMigrations('sqlite').map((migration) => migration.version)
    expect(versions.slice(0, 5)).toEqual(['001_init', '002_cohorts', '003_forecast_indexes', '004_webhook_outbox', '005_cohort_trigger_columns'])
    expect(first.stdout).toEqual([`Applied ${versions.join(', ')} to ${db}.`])
    const second = capture()
    expect(await run(['migrate', '--db', db], second)).toBe(0)
    expect(second.stdout).toEqual([`${db} is up to date.`])
  })
})
