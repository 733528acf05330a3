// Group commit: concurrent ingest calls share one transaction per turn; each caller gets its own result.
import { StoreUnavailableError } from './types.ts'

/**
 * Commits every job pending at the start of a turn in one call of `commit`, which must return one result
 * per job, in order, only after the transaction committed. At most `concurrency` turns run at once (1 by
 * default); jobs arriving meanwhile wait for the next turn. When `commit` throws, every job of that turn fails with a `StoreUnavailableError` (the handler
 * answers 503 + Retry-After) and none of them is acknowledged.
 *
 * @example
 * const enqueue = groupCommit((batches: NudgeEvent[][]) => db.transaction(() => batches.map(store)))
 * const result = await enqueue(events)
 */
export function groupCommit<Job, Result>(
  commit: (jobs: Job[]) => Result[] | Promise<Result[]>,
  { concurrency = 1 }: { concurrency?: number } = {},
): (job: Job) => Promise<Result> {
  interface Waiter {
    job: Job
    resolve: (result: Result) => void
    reject: (error: unknown) => void
  }
  let pending: Waiter[] = []
  let running = 0
  let scheduled = false

  const schedule = () => {
    if (scheduled || pending.length === 0 || running >= concurrency) return
    scheduled = true
    setImmediate(turn)
  }

  const turn = async (): Promise<void> => {
    scheduled = false
    const waiters = pending
    pending = []
    running++
    try {
      const results = await commit(waiters.map((w) => w.job))
      waiters.forEach((w, i) => w.resolve(results[i]!))
    } catch (error) {
      const failure = error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`Failed to commit ${waiters.length} batch(es): ${(error as Error).message}`, { cause: error })
      for (const w of waiters) w.reject(failure)
    } finally {
      running--
      schedule()
    }
  }

  return (job) =>
    new Promise<Result>((resolve, reject) => {
      pending.push({ job, resolve, reject })
      // A turn starts after the current I/O callbacks, so requests read in the same event-loop phase share it.
      schedule()
    })
}
