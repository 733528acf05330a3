import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeEvent } from '../../store/fixtures.ts'
import { sqlite } from '../../store/sqlite.ts'
import { runCli } from '../../test-support/cli.ts'
import { migratedStore, schemaUrl, TEST_DATABASE_URL, testSchemas } from '../../test-support/postgres.ts'

const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY) * DAY
let dir: string
let db: string

function nudgekit(...args: string[]) {
  return runCli(['stats', ...args], dir)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nudgekit-stats-'))
  db = join(dir, 'nudgekit.db')
  const store = sqlite(db)
  const ts = today - 2 * DAY
  const events = []
  // contacts-80 / a: 10 accounts see the prompt, 3 click, 1 dismisses, 2 snooze; holdout: 10 accounts, 1 converts.
  for (let i = 0; i < 10; i++) {
    events.push(makeEvent({ type: 'impression', ts, account: `a${i}`, trigger: 'contacts-80', variant: 'a' }))
    events.push(makeEvent({ type: 'holdout', ts, account: `h${i}`, trigger: 'contacts-80' }))
  }
  for (let i = 0; i < 3; i++) events.push(makeEvent({ type: 'click', ts: ts + 1000, account: `a${i}`, trigger: 'contacts-80', variant: 'a' }))
  events.push(makeEvent({ type: 'dismiss', ts: ts + 1000, account: 'a7', trigger: 'contacts-80', variant: 'a' }))
  for (const account of ['a8', 'a9']) events.push(makeEvent({ type: 'snooze', ts: ts + 1000, account, trigger: 'contacts-80', variant: 'a' }))
  events.push(makeEvent({ type: 'impression', ts, account: 's1', trigger: 'seats-cap', variant: 'default' }))
  await store.ingest('pk_test', events)
  for (const [id, account] of [['c1', 'a0'], ['c2', 'a1'], ['c3', 'a2'], ['c4', 'a3'], ['c5', 'h0']] as const) {
    await store.recordConversion({ id, account, to: 'pro', mrrDelta: 49, ts: ts + DAY }, 14 * DAY)
  }
  await store.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('nudgekit stats', () => {
  it('prints an aligned table with rates as percentages and intervals in brackets', () => {
    const { code, stdout, stderr } = nudgekit('--db', 'nudgekit.db')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^Stats \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(UTC days, both included\)$/)
    const [header, first, second] = lines.slice(2)
    expect(header).toMatch(/^trigger\s+variant\s+impressions\s+reached\s+clicks\s+dismissals\s+snoozes\s+requests .* rate\s+95% CI .* median days$/)
    // 4/10 converted: 40.0 %, Wilson [16.8 %, 68.7 %]; all 4 within the window after exposure, against the
    // holdout's 1 of 10; lift +30.0 pp, interval (Newcombe) −8.2 to +59.9 pp includes 0: not yet clear.
    expect(first).toMatch(
      /^contacts-80\s+a\s+10\s+10\s+3\s+1\s+2\s+0\s+4\s+40\.0%\s+\[16\.8%–68\.7%\]\s+40\.0%\s+10\.0%\s+1\/10\s+\+30\.0 pp\s+\u22128\.2 to \+59\.9 pp\s+0\.\d{3}\s+not yet clear\s+196\.00\s+1\.0$/,
    )
    // Without a holdout: the share converted after exposure, and no comparison.
    expect(second).toMatch(/^seats-cap\s+default\s+1\s+1\s+0 .* 0\.0%\s+\[0\.0%–79\.3%\]\s+0\.0%\s+–\s+–\s+–\s+–\s+–\s+–\s+0\.00\s+–$/)
    expect(header!.indexOf('rate') + 'rate'.length).toBe(first!.indexOf('40.0%') + '40.0%'.length)
  })

  it('names the trigger filter when it matches nothing', () => {
    const { code, stdout } = nudgekit('--db', 'nudgekit.db', '--trigger', 'nope')
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Stats \S+ to \S+ of trigger nope \(UTC days, both included\)\n\nNo prompt of trigger nope was shown in this range\.\n$/)
  })

  it('prints JSON rows as the API returns them', () => {
    const { code, stdout } = nudgekit('--db', 'nudgekit.db', '--format', 'json', '--trigger', 'contacts-80')
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.rows).toHaveLength(1)
    expect(result.rows[0]).toMatchObject({
      trigger: 'contacts-80', variant: 'a', conversions: 4, conversion_rate: 0.4, holdout_rate: 0.1, holdout_accounts: 10, holdout_conversions: 1,
    })
    expect(result.rows[0].lift).toBeCloseTo(0.3, 12)
  })

  it('prints CSV with a header', () => {
    const { code, stdout } = nudgekit('--db', 'nudgekit.db', '--format', 'csv')
    expect(code).toBe(0)
    const lines = stdout.split('\r\n')
    expect(lines[0]).toMatch(/^from,to,trigger,variant,impressions,accounts_reached,clicks,dismissals,snoozes,upgrade_requests,/)
    expect(lines[1]).toContain(',contacts-80,a,10,10,3,1,2,0,4,0.4,')
    expect(lines[0]).toMatch(/,median_days_to_convert,holdout_accounts,holdout_conversions$/)
    expect(lines[1]).toMatch(/,10,1$/)
  })

  it('reports a missing database file instead of creating an empty one', () => {
    const { code, stdout, stderr } = nudgekit('--db', 'missing.db')
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toBe(`[nudgekit] Failed to read stats: no database at ${join(dir, 'missing.db')}. Pass the file 'nudgekit serve --db' writes to.\n`)
  })

  it('reports every bad date without a stack trace', () => {
    const { code, stderr } = nudgekit('--db', 'nudgekit.db', '--from', '2026-02-30', '--to', 'tomorrow')
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n')).toEqual([
      "[nudgekit] Failed to read stats: --from '2026-02-30' is not a calendar date in the form YYYY-MM-DD. Use a UTC day such as 2026-01-31.",
      "[nudgekit] Failed to read stats: --to 'tomorrow' is not a calendar date in the form YYYY-MM-DD. Use a UTC day such as 2026-01-31.",
    ])
  })

  it('rejects a reversed range, an unknown format, an unknown flag and a missing database', () => {
    expect(nudgekit('--db', 'nudgekit.db', '--from', '2026-02-02', '--to', '2026-02-01').stderr).toContain('--from (2026-02-02) is after --to (2026-02-01)')
    expect(nudgekit('--db', 'nudgekit.db', '--format', 'xml').stderr).toContain("unknown format 'xml'. Use --format table, csv or json.")
    const unknown = nudgekit('--dbx', 'nudgekit.db')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^\[nudgekit\] Failed to read stats: Unknown option '--dbx'.*Run 'nudgekit stats --help' for the options\.\n$/)
    const elsewhere = mkdtempSync(join(tmpdir(), 'nudgekit-stats-none-'))
    expect(runCli(['stats'], elsewhere).stderr).toContain('no database given, and no nudgekit.db here. Pass --db <path> or --database-url <url>')
    rmSync(elsewhere, { recursive: true })
  })

  it("reads the nudgekit.db 'nudgekit serve' writes in the working directory when no database is given", () => {
    const read = nudgekit('--format', 'json')
    expect(read.code).toBe(0)
    expect(read.stdout).toBe(nudgekit('--db', 'nudgekit.db', '--format', 'json').stdout)
  })

  it('leaves an empty file or another SQLite database untouched and asks for a migration', () => {
    writeFileSync(join(dir, 'zero.db'), '')
    const other = new DatabaseSync(join(dir, 'other.db'))
    other.exec('CREATE TABLE notes (body TEXT)')
    other.close()
    const before = readFileSync(join(dir, 'other.db'))
    for (const file of ['zero.db', 'other.db']) {
      const { code, stdout, stderr } = nudgekit('--db', file)
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toBe(`[nudgekit] Failed to read stats: the database ${join(dir, file)} has no nudgekit tables yet. Run 'nudgekit migrate' with the same --db first.\n`)
    }
    expect(readFileSync(join(dir, 'zero.db')).length).toBe(0)
    expect(readFileSync(join(dir, 'other.db')).equals(before)).toBe(true)
    expect(readdirSync(dir).filter((name) => name.startsWith('zero.db') || name.startsWith('other.db')).sort()).toEqual(['other.db', 'zero.db'])
  })

  it('says a file is not a database', () => {
    writeFileSync(join(dir, 'notes.db'), 'hello\n')
    const { code, stderr } = nudgekit('--db', 'notes.db')
    expect(code).toBe(1)
    expect(stderr).toBe(`[nudgekit] Failed to read stats: cannot open the SQLite database at ${join(dir, 'notes.db')} (file is not a database). Check the --db path.\n`)
  })

  it('says so when no prompt was shown in the range', () => {
    const { code, stdout } = nudgekit('--db', 'nudgekit.db', '--from', '2020-01-01', '--to', '2020-01-31')
    expect(code).toBe(0)
    expect(stdout).toBe('Stats 2020-01-01 to 2020-01-31 (UTC days, both included)\n\nNo prompt was shown in this range.\n')
  })
})

describe('nudgekit stats on PostgreSQL', () => {
  const schema = testSchemas('cli_stats')

  it('reads the same rows from a PostgreSQL store named by --database-url', async () => {
    const { store, url } = await migratedStore(schema)
    const ts = today - DAY
    await store.ingest('pk_test', [
      makeEvent({ type: 'impression', ts, account: 'p1', trigger: 'seats-cap', variant: 'default' }),
      makeEvent({ type: 'impression', ts, account: 'p2', trigger: 'seats-cap', variant: 'default' }),
    ])
    await store.recordConversion({ id: 'pc1', account: 'p1', to: 'pro', mrrDelta: 20, ts: ts + 1000 }, 14 * DAY)
    await store.close()
    const { code, stdout, stderr } = nudgekit('--database-url', url, '--format', 'json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout).rows).toEqual([
      expect.objectContaining({ trigger: 'seats-cap', accounts_reached: 2, conversions: 1, conversion_rate: 0.5, expansion_mrr: 20 }),
    ])
  })

  it('asks for a migration when the database has no nudgekit tables', () => {
    const url = schemaUrl(schema())
    const { code, stderr } = nudgekit('--database-url', url)
    expect(code).toBe(1)
    expect(stderr).toBe(`[nudgekit] Failed to read stats: the database ${url} has no nudgekit tables yet. Run 'nudgekit migrate' with the same --database-url first.\n`)
  })

  it('explains a missing database, an unknown role and a malformed URL in one line each', () => {
    const server = new URL(TEST_DATABASE_URL)
    const missing = new URL('/nudgekit_no_such_database', server).toString()
    const role = new URL(server)
    role.username = 'nudgekit_no_such_role'
    const cases: [string, RegExp][] = [
      [missing, /^\[nudgekit\] Failed to read stats: database "nudgekit_no_such_database" does not exist on the server of .+\. Create it \(e\.g\. createdb\) or fix the database name in the URL\.\n$/],
      [role.toString(), /^\[nudgekit\] Failed to read stats: PostgreSQL refused the login to .+ \(.*nudgekit_no_such_role.*\)\. Check the user and password in the URL\.\n$/],
      ['postgres://postgres@[::1', /^\[nudgekit\] Failed to read stats: --database-url is not a valid URL\. Write it like postgres:\/\/user:password@host:5432\/database \(percent-encode special characters in the password\)\.\n$/],
    ]
    for (const [url, expected] of cases) {
      const { code, stdout, stderr } = nudgekit('--database-url', url)
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toMatch(expected)
    }
  })
})
