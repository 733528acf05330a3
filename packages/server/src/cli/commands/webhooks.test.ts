import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueWebhook } from '../../store/fixtures.ts'
import { sqlite } from '../../store/sqlite.ts'
import type { Store } from '../../store/types.ts'
import { runCli } from '../../test-support/cli.ts'
import { migratedStore, schemaUrl, testSchemas } from '../../test-support/postgres.ts'

const DAY = 86_400_000
const NOW = Date.now()
const OLD = Date.UTC(2026, 0, 10, 12)
let dir: string
let files = 0

function nudgekit(...args: string[]) {
  return runCli(['webhooks', ...args], dir)
}

/**
 * Three dead letters (sales:e1 and sales:e2 today, crm:e3 on 2026-01-10), one delivery a server is attempting now
 * (sales:e4) and one waiting for its next attempt (sales:e5).
 */
async function seed(store: Store): Promise<void> {
  const enqueue = (id: string, account: string, key: string, now: number) =>
    enqueueWebhook(store, { id, route: id.split(':')[0]!, account, key, payload: `{"id":"${id}"}`, now, renotifyMs: 7 * DAY })
  const deadLetter = async (id: string, account: string, key: string, deadAt: number, error: string) => {
    await enqueue(id, account, key, deadAt - 1_000)
    await store.leaseWebhooks({ routes: [id.split(':')[0]!], owner: id, now: deadAt - 1_000, leaseMs: 60_000, limit: 1, maxAttempts: 6 })
    await store.deadLetterWebhook(id, id, error, deadAt)
  }
  await deadLetter('crm:e3', 'initech', 'contacts-80', OLD, "route 'crm' is no longer in the rules (removed, or disabled by an unset secret or a non-http url)")
  await deadLetter('sales:e1', 'acme', 'contacts-80', NOW - 3 * 3_600_000, 'the receiver answered 503')
  await deadLetter('sales:e2', 'globex', 'upgrade_requested:seats-cap', NOW - 2 * 3_600_000, 'the receiver answered 404')
  await enqueue('sales:e4', 'umbrella', 'contacts-80', NOW - 1_000)
  await store.leaseWebhooks({ routes: ['sales'], owner: 'server', now: NOW - 1_000, leaseMs: 3_600_000, limit: 1, maxAttempts: 6 })
  await enqueue('sales:e5', 'hooli', 'contacts-80', NOW)
}

/** A fresh SQLite file holding the seed, named relative to the temp dir. */
async function seededFile(): Promise<string> {
  const name = `outbox-${++files}.db`
  const store = sqlite(join(dir, name))
  await seed(store)
  await store.close()
  return name
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nudgekit-webhooks-'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nudgekit webhooks', () => {
  it('prints the counts and the dead letters, newest first, as an aligned table', async () => {
    const { code, stdout, stderr } = nudgekit('--db', await seededFile())
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines.slice(0, 3)).toEqual(['Webhook outbox: 2 pending (1 leased now), 3 dead letters', '', 'Dead letters, newest first:'])
    expect(lines[3]).toMatch(/^id\s+route\s+account\s+trigger\s+attempts\s+dead_at\s+last_error$/)
    expect(lines[4]).toMatch(new RegExp(`^sales:e2\\s+sales\\s+globex\\s+upgrade_requested:seats-cap\\s+1\\s+${new Date(NOW - 2 * 3_600_000).toISOString()}\\s+the receiver answered 404$`))
    expect(lines[5]).toMatch(/^sales:e1\s+sales\s+acme\s+contacts-80\s+1\s+\S+Z\s+the receiver answered 503$/)
    expect(lines[6]).toMatch(/^crm:e3\s+crm\s+initech\s+contacts-80\s+1\s+2026-01-10T12:00:00\.000Z\s+route 'crm' is no longer in the rules/)
    expect(lines[3]!.indexOf('attempts') + 'attempts'.length).toBe(lines[4]!.indexOf(' 1 ') + 2)
    expect(lines.at(-1)).toBe('Send them again with --retry <id> or --retry-dead, once the receiver is fixed; delete them with --purge-dead.')
  })

  it('prints JSON: the counts, and the dead letters with ISO times', async () => {
    const { code, stdout } = nudgekit('--db', await seededFile(), '--format', 'json', '--limit', '2')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      counts: { pending: 2, leased: 1, dead: 3 },
      dead_letters: [
        { id: 'sales:e2', route: 'sales', account: 'globex', trigger: 'upgrade_requested:seats-cap', attempts: 1, last_error: 'the receiver answered 404', dead_at: new Date(NOW - 2 * 3_600_000).toISOString() },
        { id: 'sales:e1', route: 'sales', account: 'acme', trigger: 'contacts-80', attempts: 1, last_error: 'the receiver answered 503', dead_at: new Date(NOW - 3 * 3_600_000).toISOString() },
      ],
      truncated: true,
    })
  })

  it('bounds the list with --limit and says there are more; filters it by --route', async () => {
    const db = await seededFile()
    const limited = nudgekit('--db', db, '--limit', '1').stdout.trimEnd().split('\n')
    expect(limited.slice(4)).toEqual([
      expect.stringMatching(/^sales:e2 /),
      '',
      'Only the newest dead letter is listed; pass a larger --limit to see more.',
      '',
      'Send them again with --retry <id> or --retry-dead, once the receiver is fixed; delete them with --purge-dead.',
    ])
    expect(nudgekit('--db', db, '--limit', '2').stdout).toContain('\nOnly the newest 2 are listed; pass a larger --limit to see more.\n')
    const crm = nudgekit('--db', db, '--route', 'crm').stdout.split('\n')
    expect(crm[2]).toBe('Dead letters of route crm, newest first:')
    expect(crm.filter((line) => line.includes(':e'))).toHaveLength(1)
    expect(nudgekit('--db', db, '--route', 'support').stdout).toBe('Webhook outbox: 2 pending (1 leased now), 3 dead letters\n\nNo dead letters of route support.\n')
  })

  it('sends one dead letter again, due now, and then lists it as pending', async () => {
    const db = await seededFile()
    const { code, stdout, stderr } = nudgekit('--db', db, '--retry', 'sales:e1')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toBe('1 dead letter due again now: a running server sends it at its next poll if its route is still in the rules; otherwise it is dead-lettered again until the route is restored.\n')
    const store = sqlite(join(dir, db))
    const { leased } = await store.leaseWebhooks({ routes: ['sales'], owner: 'next-poll', now: Date.now(), leaseMs: 60_000, limit: 10, maxAttempts: 6 })
    await store.close()
    expect(leased.map((w) => [w.id, w.attempts]).sort()).toEqual([['sales:e1', 1], ['sales:e5', 1]])
    expect(JSON.parse(nudgekit('--db', db, '--format', 'json').stdout).counts).toEqual({ pending: 3, leased: 3, dead: 2 })
  })

  it('explains a retry of an unknown id or of a superseded dead letter, exit code 1', async () => {
    const db = await seededFile()
    const unknown = nudgekit('--db', db, '--retry', 'sales:nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toBe("[nudgekit] Failed to retry sales:nope: no dead letter has this id. Run 'nudgekit webhooks' to list them.\n")
    // A later notification about acme × contacts-80 is on its way.
    const store = sqlite(join(dir, db))
    await enqueueWebhook(store, { id: 'sales:e6', route: 'sales', account: 'acme', key: 'contacts-80', payload: '{}', now: Date.now(), renotifyMs: 7 * DAY })
    await store.close()
    const superseded = nudgekit('--db', db, '--retry', 'sales:e1')
    expect(superseded.code).toBe(1)
    expect(superseded.stderr).toMatch(/^\[nudgekit\] Failed to retry sales:e1: a later notification about its account and trigger has been sent \(or is on its way\) since/)
  })

  it('sends every dead letter of a route again with --retry-dead --route, and says which it left', async () => {
    const db = await seededFile()
    const { code, stdout } = nudgekit('--db', db, '--retry-dead', '--route', 'sales', '--format', 'json')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ revived: ['sales:e2', 'sales:e1'], superseded: [] })
    expect(nudgekit('--db', db, '--retry-dead').stdout).toBe('1 dead letter due again now: a running server sends it at its next poll if its route is still in the rules; otherwise it is dead-lettered again until the route is restored.\n')
    expect(nudgekit('--db', db, '--retry-dead').stdout).toBe('No dead letter to send again.\n')
  })

  it('says dead letters sent again are dead-lettered again if their routes are no longer in the rules', async () => {
    const db = await seededFile()
    expect(nudgekit('--db', db, '--retry-dead').stdout).toBe(
      '3 dead letters due again now: a running server sends them at its next poll if their routes are still in the rules; otherwise they are dead-lettered again until the route is restored.\n',
    )
  })

  it('deletes dead letters, or only those that died before a UTC day, and never pending deliveries', async () => {
    const db = await seededFile()
    expect(nudgekit('--db', db, '--purge-dead', '--before', '2026-01-11').stdout).toBe('Deleted 1 dead letter that died before 2026-01-11.\n')
    expect(nudgekit('--db', db, '--purge-dead', '--route', 'sales', '--format', 'json').stdout).toBe('{"purged":2}\n')
    expect(JSON.parse(nudgekit('--db', db, '--format', 'json').stdout).counts).toEqual({ pending: 2, leased: 1, dead: 0 })
  })

  it('writes nothing to a file that is not a nudgekit database, not even with --purge-dead', () => {
    writeFileSync(join(dir, 'blank.db'), '')
    for (const args of [[], ['--purge-dead'], ['--retry-dead']]) {
      const { code, stderr } = nudgekit('--db', 'blank.db', ...args)
      expect(code).toBe(1)
      expect(stderr).toMatch(/the database .*blank\.db has no nudgekit tables yet\. Run 'nudgekit migrate' with the same --db first\.\n$/)
    }
    expect(statSync(join(dir, 'blank.db')).size).toBe(0)
    expect(readdirSync(dir).filter((name) => name.startsWith('blank.db'))).toEqual(['blank.db'])
  })

  it('rejects bad flags with one line each, and no stack trace', async () => {
    const db = await seededFile()
    const cases: Array<[string[], string]> = [
      [['--db', db, '--dbx'], "[nudgekit] Failed to read the webhook outbox: Unknown option '--dbx'. Run 'nudgekit webhooks --help' for the options."],
      [['--db', db, '--retry', 'sales:e1', '--purge-dead'], '[nudgekit] Failed to read the webhook outbox: --retry and --purge-dead were both given. Pass one of --retry, --retry-dead and --purge-dead.'],
      [['--db', db, '--before', '2026-01-01'], "[nudgekit] Failed to list webhooks: --before does not apply here. Run 'nudgekit webhooks --help' for which options go together."],
      [['--db', db, '--retry', 'sales:e1', '--route', 'sales'], "[nudgekit] Failed to retry sales:e1: --route does not apply here. Run 'nudgekit webhooks --help' for which options go together."],
      [['--db', db, '--purge-dead', '--before', '2026-02-30'], '[nudgekit] Failed to purge dead letters: --before \'2026-02-30\' is not a calendar date in the form YYYY-MM-DD. Use a UTC day such as 2026-01-31.'],
      [['--db', db, '--limit', '0'], "[nudgekit] Failed to list webhooks: --limit '0' is not a positive whole number. Pass e.g. --limit 200."],
      [['--db', db, '--format', 'csv'], "[nudgekit] Failed to list webhooks: unknown format 'csv'. Use --format table or json."],
      [['--db', db, 'sales:e1'], "[nudgekit] Failed to list webhooks: unexpected argument 'sales:e1'. Pass a delivery id as --retry <id>."],
      [['--db', 'missing.db'], `[nudgekit] Failed to list webhooks: no database at ${join(dir, 'missing.db')}. Pass the file 'nudgekit serve --db' writes to.`],
      [[], '[nudgekit] Failed to list webhooks: no database given, and no nudgekit.db here. Pass --db <path> or --database-url <url> (or set NUDGEKIT_DATABASE_URL).'],
    ]
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = nudgekit(...args)
      expect({ args, code, stdout, stderr }).toEqual({ args, code: 1, stdout: '', stderr: `${message}\n` })
    }
  }, 30_000)
})

describe('nudgekit webhooks on PostgreSQL', () => {
  const schema = testSchemas('cli_webhooks')

  it('lists and sends again the dead letters of a PostgreSQL store named by --database-url', async () => {
    const { store, url } = await migratedStore(schema)
    await seed(store)
    await store.close()
    const listed = nudgekit('--database-url', url, '--format', 'json')
    expect(listed.stderr).toBe('')
    expect(JSON.parse(listed.stdout)).toMatchObject({ counts: { pending: 2, leased: 1, dead: 3 }, truncated: false })
    expect(nudgekit('--database-url', url, '--retry', 'crm:e3').stdout).toBe('1 dead letter due again now: a running server sends it at its next poll if its route is still in the rules; otherwise it is dead-lettered again until the route is restored.\n')
    expect(JSON.parse(nudgekit('--database-url', url, '--format', 'json').stdout).counts).toEqual({ pending: 3, leased: 1, dead: 2 })
  })

  it('asks for a migration when the database has no nudgekit tables', () => {
    const url = schemaUrl(schema())
    const { code, stderr } = nudgekit('--database-url', url, '--purge-dead')
    expect(code).toBe(1)
    expect(stderr).toBe(`[nudgekit] Failed to purge dead letters: the database ${url} has no nudgekit tables yet. Run 'nudgekit migrate' with the same --database-url first.\n`)
  })
})
