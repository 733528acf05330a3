// The PostgreSQL the server's tests share with CI: a unique schema per store, dropped when the file ends.
import pg from 'postgres'
import { afterAll } from 'vitest'
import { postgres } from '../store/postgres.ts'
import type { Store } from '../store/types.ts'

/** The shared test database (trust auth). Override with NUDGEKIT_TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.NUDGEKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * A schema namer for one test file: names are unique per process and run, and every schema named is
 * dropped after the file's tests.
 * @example const schema = testSchemas('contract'); postgres(TEST_DATABASE_URL, { schema: schema() })
 */
export function testSchemas(label: string): () => string {
  const prefix = `nk_${label}_${process.pid}_${Date.now().toString(36)}`
  const made: string[] = []
  afterAll(async () => {
    const admin = pg(TEST_DATABASE_URL, { onnotice: () => {} })
    for (const schema of made) await admin.unsafe(`drop schema if exists ${schema} cascade`)
    await admin.end()
  })
  return () => {
    const schema = `${prefix}_${made.length}`
    made.push(schema)
    return schema
  }
}

/** The test database's URL with `schema` as its search path: what a user passes as --database-url. */
export function schemaUrl(schema: string): string {
  return `${TEST_DATABASE_URL}?search_path=${schema}`
}

/**
 * A migrated store in a new schema of `schemas`, and the --database-url naming that schema.
 * @example const { store, url } = await migratedStore(testSchemas('cli_stats'))
 */
export async function migratedStore(schemas: () => string): Promise<{ store: Store; url: string }> {
  const schema = schemas()
  const store = postgres(TEST_DATABASE_URL, { schema })
  await store.migrate()
  return { store, url: schemaUrl(schema) }
}
