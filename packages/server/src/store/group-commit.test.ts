// Group commit: concurrent batches share a transaction, each caller gets its own result, a failure fails them all.
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

  it('fails every job of a failed turn with StoreUnavailableError and keeps serving later turns', async () => {
    let fail = true
    const enqueue = groupCommit((jobs: string[]) => {
      if (fail) throw new Error('disk I/O error')
      return jobs
    })
    const failed = await Promise.allSettled(['a', 'b'].map(enqueue))
    for (const outcome of failed) {
      expect(outcome.status).toBe('rejected')
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError)
      expect((outcome as PromiseRejectedResult).reason.message).toMatch(/Failed to commit 2 batch\(es\): disk I\/O error/)
    }
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

  it('acknowledges nothing of a failed transaction: every waiter gets StoreUnavailableError, no row is kept', async () => {
    const store = open()
    const good = makeEvent({ type: 'impression', ts: T0, trigger: 't' })
    // A BigInt in props cannot be serialised: the second batch throws inside the transaction both batches share.
    const bad = makeEvent({ type: 'impression', ts: T0, trigger: 't', account: 'b', props: { n: 1n } as never })
    const outcomes = await Promise.allSettled([store.ingest('pk', [good]), store.ingest('pk', [bad])])
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError)
    expect(await store.aggregates({ from: T0 - 1, to: T0 + 1 })).toEqual([])
    expect((await store.ingest('pk', [good])).accepted).toHaveLength(1)
    await store.close()
  })
})
