// The ingest targets: the node:http floor, `nudgekit serve` on SQLite and on PostgreSQL; run one with `BENCH_INGEST=…`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { runIngest, type IngestTarget } from './ingest.ts'

const PUBLISHABLE = 'pk_bench_0123456789abcdef'
const SECRET = 'sk_bench_0123456789abcdef'
/** Node for the server children; `BENCH_NODE_ARGS` adds flags, e.g. `--cpu-prof --cpu-prof-dir=prof` to profile them. */
const NODE_BUILT = [process.execPath, ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])]
/** Node for TypeScript sources of the workspace. */
const NODE = [...NODE_BUILT, '--conditions=@nudgekit/source']

/**
 * The CLI users run: the built package (`pnpm bench` builds it first), which needs no type stripping and holds
 * ~30 MB less than running from source. `BENCH_SERVER_SRC`, a server source folder (of another checkout, say),
 * runs that from source instead, to compare two versions with each other.
 */
const CLI = process.env.BENCH_SERVER_SRC ? [...NODE, `${process.env.BENCH_SERVER_SRC}/cli/main.ts`] : [...NODE_BUILT, 'packages/server/dist/cli.js']

/** `nudgekit serve` with a rate limit far above the load, so every request reaches the store. */
function serve(store: string[], port: number): string[] {
  return [
    ...CLI, 'serve', '--rules', 'examples/rules/acme-crm.yaml', ...store,
    '--port', String(port), '--publishable-key', PUBLISHABLE, '--secret-key', SECRET,
    '--rate-limit', '1000000', '--rate-burst', '1000000',
  ]
}

const auth = { authorization: `Bearer ${PUBLISHABLE}` }

/** The bare node:http + JSON.parse server: the most this machine can answer with the same load generator. */
export function floorTarget(port = 8790): IngestTarget {
  return { name: 'node:http + JSON.parse (floor)', command: [...NODE, 'bench/floor-server.ts'], env: { PORT: String(port) }, port, path: '/', headers: {} }
}

/** `nudgekit serve --db <file>` (SQLite, synchronous FULL); stored events counted from the file afterwards. */
export function sqliteTarget(path: string, port = 8791): IngestTarget {
  return {
    name: 'nudgekit serve (SQLite)',
    command: serve(['--db', path], port),
    port,
    path: '/v1/events',
    headers: auth,
    count: async () => {
      const db = new DatabaseSync(path, { readOnly: true })
      try {
        return Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n)
      } finally {
        db.close()
      }
    },
  }
}

/** `nudgekit serve --database-url <url>` (PostgreSQL, tables in `schema`); stored events counted with psql. */
export function postgresTarget(url: string, schema: string, port = 8792): IngestTarget {
  const withSchema = `${url}${url.includes('?') ? '&' : '?'}search_path=${schema}`
  return {
    name: 'nudgekit serve (PostgreSQL)',
    command: serve(['--database-url', withSchema], port),
    port,
    path: '/v1/events',
    headers: auth,
    count: async () => Number(psql(url, `select count(*) from ${schema}.events`).trim()),
  }
}

/** Runs `work` with a fresh schema `<prefix>_<pid>` on the database at `url`, dropped afterwards. */
export async function withPostgresSchema<T>(url: string, prefix: string, work: (schema: string) => Promise<T>): Promise<T> {
  const schema = `${prefix}_${process.pid}`
  psql(url, `create schema ${schema}`)
  try {
    return await work(schema)
  } finally {
    psql(url, `drop schema ${schema} cascade`)
  }
}

/** The bench database unless `BENCH_DATABASE_URL` names another. */
export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Runs one SQL command with psql and returns its unaligned output; throws with psql's message. */
export function psql(url: string, command: string): string {
  const result = spawnSync('psql', [url, '-qAtc', 'set client_min_messages = warning', '-qAtc', command], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`[nudgekit] Failed to run psql: ${result.stderr.trim()}.`)
  return result.stdout
}

if (import.meta.main) {
  const which = process.env.BENCH_INGEST ?? 'sqlite'
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  if (which === 'floor') console.log(await runIngest(floorTarget(), seconds))
  if (which === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'nudgekit-ingest-'))
    try {
      console.log(await runIngest(sqliteTarget(join(dir, 'ingest.db')), seconds))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (which === 'postgres') {
    console.log(await withPostgresSchema(BENCH_DATABASE_URL, 'bench_ingest', (schema) => runIngest(postgresTarget(BENCH_DATABASE_URL, schema), seconds)))
  }
}
