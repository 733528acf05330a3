// Group commit: concurrent batches share a transaction, each caller gets its own result, a failed turn is retried job by job.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { makeEvent } from './fixtures.ts'
import { groupCommit } from './group-commit.ts'
import { sqlite } from './sqlite.ts'
import { StoreUnavailableError } from './types.ts'

const T0 = Date.UTC(2026, 2, 10, 12)

describe('groupCommit', () => {
  it('commits every job pending in a turn together and answers each with its own result', async () => {
    const turns: number[][] = []
    const enqueue = groupCommit((jobs: number[]) => {
      turns.push(jobs)
      return jobs.map((n) => n * 10)
    })
    const results = await Promise.all([1, 2, 3].map(enqueue))
    expect(results).toEqual([10, 20, 30])
    expect(turns).toEqual([[1, 2, 3]])
  })

  it('queues jobs that arrive while a commit runs for the next turn', async () => {
    const turns: number[][] = []
    let release!: () => void
    const enqueue = groupCommit(async (jobs: number[]) => {
      turns.push(jobs)
      if (turns.length === 1) await new Promise<void>((resolve) => (release = resolve))
      return jobs
    })
    const first = enqueue(1)
    await new Promise((resolve) => setImmediate(resolve))
    const later = [enqueue(2), enqueue(3)]
    release()
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3])
    expect(turns).toEqual([[1], [2, 3]])
  })

  it('runs up to `concurrency` turns at once, each with the jobs pending when it started', async () => {
    const turns: number[][] = []
    const releases: (() => void)[] = []
    const enqueue = groupCommit(async (jobs: number[]) => {
      turns.push(jobs)
      await new Promise<void>((resolve) => releases.push(resolve))
      return jobs
    }, { concurrency: 2 })
    const first = enqueue(1)
    await new Promise((resolve) => setImmediate(resolve))
    const second = enqueue(2)
    await new Promise((resolve) => setImmediate(resolve))
    const third = [enqueue(3), enqueue(4)]
    await new Promise((resolve) => setImmediate(resolve))
    expect(turns).toEqual([[1], [2]])
    releases[0]!()
    await first
    await new Promise((resolve) => setImmediate(resolve))
    expect(turns).toEqual([[1], [2], [3, 4]])
    releases[1]!()
    releases[2]!()
    expect(await Promise.all([second, ...third])).toEqual([2, 3, 4])
  })

  it('commits the jobs of a failed turn again one at a time, so only the job that fails alone fails', async () => {
    const turns: string[][] = []
    const enqueue = groupCommit((jobs: string[]) => {
      turns.push(jobs)
      if (jobs.includes('bad')) throw new Error('invalid input syntax for type json')
      return jobs.map((job) => job.toUpperCase())
    })
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map(enqueue))
    expect(turns).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']])
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'A' })
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'C' })
    const failure = (outcomes[1] as PromiseRejectedResult).reason
    expect(failure).toBeInstanceOf(StoreUnavailableError)
    expect(failure.message).toBe('Failed to commit 1 batch(es): invalid input syntax for type json')
    expect(failure.cause).toBeInstanceOf(Error)
  })

  it('fails every job of a turn at once when the database is unavailable, without committing them again', async () => {
    const turns: string[][] = []
    const down = new StoreUnavailableError('PostgreSQL is unavailable: connection refused')
    const enqueue = groupCommit((jobs: string[]) => {
      turns.push(jobs)
      throw down
    })
    const outcomes = await Promise.allSettled(['a', 'b'].map(enqueue))
    expect(outcomes).toEqual([{ status: 'rejected', reason: down }, { status: 'rejected', reason: down }])
    expect(turns).toEqual([['a', 'b']])
  })

  it('stops committing jobs one at a time once the database becomes unavailable, failing the rest with it', async () => {
    const turns: string[][] = []
    const down = new StoreUnavailableError('PostgreSQL is unavailable: the database system is shutting down')
    const enqueue = groupCommit((jobs: string[]) => {
      turns.push(jobs)
      if (jobs.length > 1) throw new Error('value too long')
      if (jobs[0] === 'b') throw down
      return jobs
    })
    const outcomes = await Promise.allSettled(['a', 'b', 'c', 'd'].map(enqueue))
    expect(turns).toEqual([['a', 'b', 'c', 'd'], ['a'], ['b']])
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'a' },
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ])
  })

  it('fails the job of a failed one-job turn with StoreUnavailableError and keeps serving later turns', async () => {
    let fail = true
    const turns: string[][] = []
    const enqueue = groupCommit((jobs: string[]) => {
      turns.push(jobs)
      if (fail) throw new Error('disk I/O error')
      return jobs
    })
    const failed = enqueue('a')
    await expect(failed).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(failed).rejects.toThrow('Failed to commit 1 batch(es): disk I/O error')
    expect(turns).toEqual([['a']])
    fail = false
    expect(await enqueue('c')).toBe('c')
  })
})

const dir = mkdtempSync(join(tmpdir(), 'nudgekit-group-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.each([
  ['in memory', () => sqlite(':memory:')],
  ['in a WAL file', () => sqlite(join(dir, `group-${Math.random().toString(36).slice(2)}.db`))],
])('sqlite group commit (%s)', (_, open) => {
  it('gives concurrent batches their own accepted events and duplicates, a shared id to the first batch only', async () => {
    const store = open()
    const shared = makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'a' })
    const own = [1, 2, 3].map((i) => makeEvent({ type: 'click', ts: T0 + i, trigger: 't', account: `a${i}` }))
    const results = await Promise.all([
      store.ingest('pk', [shared, own[0]!]),
      store.ingest('pk', [own[1]!, shared, own[1]!]),
      store.ingest('pk_other', [shared, own[2]!]),
    ])
    expect(results[0]!.accepted.map((e) => e.id).sort()).toEqual([shared.id, own[0]!.id].sort())
    expect(results[0]!.duplicates).toBe(0)
    expect(results[1]!.accepted.map((e) => e.id)).toEqual([own[1]!.id])
    expect(results[1]!.duplicates).toBe(2)
    expect(results[2]!.accepted.map((e) => e.id).sort()).toEqual([shared.id, own[2]!.id].sort())
    const [row] = await store.aggregates({ from: T0 - 1, to: T0 + 10 })
    expect(row).toMatchObject({ impressions: 2, clicks: 3, accounts_reached: 1 })
    await store.close()
  })
})
