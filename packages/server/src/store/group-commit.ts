// Group commit: concurrent ingest calls share one transaction per turn; each caller gets its own result.
import { StoreUnavailableError } from './types.ts'

/**
 * Commits every job pending at the start of a turn in one call of `commit`, which must return one result
 * per job, in order, only after the transaction committed. At most `concurrency` turns run at once (1 by
 * default); jobs arriving meanwhile wait for the next turn.
 *
 * When `commit` throws a `StoreUnavailableError` (the database is unavailable), every job of the turn fails
 * with it. When it throws anything else for a turn of several jobs, one job's data (or route) may be what
 * failed, so the jobs are committed again one at a time, each in its own call of `commit`: only a job that
 * fails alone fails, and the others are acknowledged after their own commit. A job that fails is rejected
 * with a `StoreUnavailableError` (the handler answers 503 + Retry-After) and none of its events is kept.
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

  /** Commits each waiter's job in a call of its own; once the database is unavailable, fails the rest with it. */
  const commitOneByOne = async (waiters: readonly Waiter[]): Promise<void> => {
    for (const [i, w] of waiters.entries()) {
      try {
        const [result] = await commit([w.job])
        w.resolve(result!)
      } catch (error) {
        const failure = unavailable(error, 1)
        w.reject(failure)
        // Every further commit would fail the same way, each after its own connection timeout.
        if (error instanceof StoreUnavailableError) {
          for (const rest of waiters.slice(i + 1)) rest.reject(failure)
          return
        }
      }
    }
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
      if (waiters.length > 1 && !(error instanceof StoreUnavailableError)) {
        await commitOneByOne(waiters)
      } else {
        const failure = unavailable(error, waiters.length)
        for (const w of waiters) w.reject(failure)
      }
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

/** The error a failed job is rejected with: the store's own `StoreUnavailableError`, or `error` wrapped in one. */
function unavailable(error: unknown, jobs: number): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error
  return new StoreUnavailableError(`Failed to commit ${jobs} batch(es): ${(error as Error).message}`, { cause: error })
}
