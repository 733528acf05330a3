// Group commit: concurrent ingest calls share one transaction per turn; each caller gets its own result.
import { StoreUnavailableError } from './types.ts'

/**
 * Commits every job pending at the start of a turn in one call of `commit`, which must return one result
 * per job, in order, only after the transaction committed. While a commit runs, new jobs wait for the next
 * turn. When `commit` throws, every job of that turn fails with a `StoreUnavailableError` (the handler
 * answers 503 + Retry-After) and none of them is acknowledged.
 *
 * @example
 * const enqueue = groupCommit((batches: NudgeEvent[][]) => db.transaction(() => batches.map(store)))
 * const result = await enqueue(events)
 */
export function groupCommit<Job, Result>(commit: (jobs: Job[]) => Result[] | Promise<Result[]>): (job: Job) => Promise<Result> {
  interface Waiter {
    job: Job
    resolve: (result: Result) => void
    reject: (error: unknown) => void
  }
  let pending: Waiter[] = []
  let running = false

  const turn = async (): Promise<void> => {
    const waiters = pending
    pending = []
    running = true
    try {
      const results = await commit(waiters.map((w) => w.job))
      waiters.forEach((w, i) => w.resolve(results[i]!))
    } catch (error) {
      const failure = error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(`Failed to commit ${waiters.length} batch(es): ${(error as Error).message}`, { cause: error })
      for (const w of waiters) w.reject(failure)
    } finally {
      running = false
      if (pending.length > 0) setImmediate(turn)
    }
  }

  return (job) =>
    new Promise<Result>((resolve, reject) => {
      pending.push({ job, resolve, reject })
      // The first job of a turn schedules it after the current I/O callbacks, so requests read in the same
      // event-loop phase share the transaction.
      if (pending.length === 1 && !running) setImmediate(turn)
    })
}
