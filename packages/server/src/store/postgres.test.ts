// Runs the store contract against PostgreSQL (each store in its own schema, dropped afterwards).
import { describe, expect, it } from 'vitest'
import { TEST_DATABASE_URL, testSchemas } from '../test-support/postgres.ts'
import { storeContract } from './contract.ts'
import { postgres } from './postgres.ts'
import { StoreUnavailableError } from './types.ts'

const nextSchema = testSchemas('contract')

storeContract('postgres', async () => {
  const store = postgres(TEST_DATABASE_URL, { schema: nextSchema() })
  await store.migrate()
  return store
})

describe('postgres store', () => {
  it('reports an unreachable database as StoreUnavailableError (the handler answers 503)', async () => {
    const store = postgres('postgres://postgres@127.0.0.1:1/test', { connectTimeoutSec: 1 })
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(store.aggregates({ from: 0, to: 1 })).rejects.toBeInstanceOf(StoreUnavailableError)
    await store.close()
  }, 10_000)

  it('lets several instances migrate one schema at once, applying each version once', async () => {
    const schema = nextSchema()
    const stores = [1, 2, 3].map(() => postgres(TEST_DATABASE_URL, { schema }))
    const applied = await Promise.all(stores.map((store) => store.migrate()))
    expect(applied.flat()).toEqual(['001_init', '002_cohorts'])
    await Promise.all(stores.map((store) => store.close()))
  })

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => postgres(TEST_DATABASE_URL, { schema: 'x; drop table events' })).toThrow(/plain lower-case identifier/)
  })
})
