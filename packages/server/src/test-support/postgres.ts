// The PostgreSQL the server's tests share with CI: a unique schema per store, dropped when the file ends.
import pg from 'postgres'
import { afterAll } from 'vitest'

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
