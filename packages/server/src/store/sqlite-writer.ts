// The SQLite writer thread: ingest turns run on their own connection in a worker, beside the HTTP thread.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { createIngestCommit, openConnection, type IngestJob, type JobOutcome, type SqliteConnectionOptions } from './sqlite-ingest.ts'

interface WriterData {
  nudgekitSqliteWriter: true
  path: string
  options: SqliteConnectionOptions
}

type Reply = { id: number; outcomes: JobOutcome[] } | { id: number; error: string }

/** A running writer: `commit` stores one turn's jobs in the worker; `close` lets it finish and stop. */
export interface SqliteWriter {
  commit(jobs: IngestJob[]): Promise<JobOutcome[]>
  close(): Promise<void>
}

/**
 * Starts a worker thread with its own connection to the (WAL, already migrated) database file. Turns are
 * answered in order; the worker keeps the process alive only while a turn is in flight.
 *
 * @example
 * const writer = startSqliteWriter('nudgekit.db', { synchronous: 'full' })
 * const [outcome] = await writer.commit([{ source, events }])
 */
export function startSqliteWriter(path: string, options: SqliteConnectionOptions): SqliteWriter {
  const data: WriterData = { nudgekitSqliteWriter: true, path, options }
  // This module is the worker's entry too (see the bottom of the file), also once bundled into a chunk.
  const worker = new Worker(new URL(import.meta.url), { workerData: data })
  worker.unref()
  const waiting = new Map<number, { resolve: (outcomes: JobOutcome[]) => void; reject: (error: Error) => void }>()
  let next = 0
  let failure: Error | undefined
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))

  const settle = (reply: Reply) => {
    const waiter = waiting.get(reply.id)
    waiting.delete(reply.id)
    if (waiting.size === 0) worker.unref()
    if ('error' in reply) waiter?.reject(new Error(reply.error))
    else waiter?.resolve(reply.outcomes)
  }
  const failAll = (error: Error) => {
    failure = error
    for (const id of [...waiting.keys()]) settle({ id, error: error.message })
  }
  worker.on('message', settle)
  worker.on('error', (error) => failAll(new Error(`the SQLite writer thread failed: ${error.message}`)))
  worker.on('exit', () => failAll(new Error('the SQLite writer thread stopped')))

  return {
    commit: (jobs) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure)
        const id = next++
        waiting.set(id, { resolve, reject })
        worker.ref()
        worker.postMessage({ id, jobs })
      }),
    close: async () => {
      // Held while closing: an idle writer is unref'd, and a process with nothing else to do would exit mid-close.
      worker.ref()
      if (!failure) worker.postMessage('close')
      await exited
    },
  }
}

function runWriter({ path, options }: WriterData): void {
  const db = openConnection(path, options)
  const commit = createIngestCommit(db)
  parentPort!.on('message', (message: { id: number; jobs: IngestJob[] } | 'close') => {
    if (message === 'close') {
      db.close()
      parentPort!.close()
      return
    }
    let reply: Reply
    try {
      reply = { id: message.id, outcomes: commit(message.jobs) }
    } catch (error) {
      reply = { id: message.id, error: (error as Error).message }
    }
    parentPort!.postMessage(reply)
  })
}

if (!isMainThread && (workerData as Partial<WriterData> | null)?.nudgekitSqliteWriter === true) {
  runWriter(workerData as WriterData)
}
