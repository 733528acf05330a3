// The persisted queue: capacity and drop counting, in-flight marks, usage coalescing, sharing between tabs.
import { expect, it } from 'vitest'
import { createStore, memoryStorage } from '../storage.ts'
import type { NudgeEvent } from '../types.ts'
import { createQueue } from './queue.ts'

const event = (n: number): NudgeEvent => ({ id: `id-${n}`, type: 'track', ts: n, account: 'a', user: 'u' })

it('drops the oldest events beyond its capacity and counts them', () => {
  const queue = createQueue(createStore(memoryStorage()), 'pk', () => 0, 3)
  const pushes = Array.from({ length: 5 }, (_, n) => queue.push(event(n)))
  expect(pushes).toEqual([false, false, false, true, true])
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-2', 'id-3', 'id-4'])
  expect(queue.state().d).toBe(2)
})

it('skips events in flight until delivered, released or the mark expires', () => {
  let time = 0
  const queue = createQueue(createStore(memoryStorage()), 'pk', () => time)
  for (let n = 0; n < 4; n++) queue.push(event(n))
  queue.mark(['id-0', 'id-1'], 10_000)
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-2', 'id-3'])
  queue.mark(['id-1'], 0)
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-1', 'id-2', 'id-3'])
  time = 10_000
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-0', 'id-1', 'id-2', 'id-3'])
  queue.remove(['id-0', 'id-2'])
  expect(queue.state().q).toHaveLength(2)
})

it('is shared by the queues of two tabs over one storage', () => {
  const storage = memoryStorage()
  const first = createQueue(createStore(storage), 'pk', () => 0)
  first.push(event(1))
  first.mark(['id-1'], 5000)
  first.update((state) => void (state.r = 3000))
  createStore(storage).flush()
  const other = memoryStorage()
  other.setItem('nudgekit:q1:pk', storage.getItem('nudgekit:q1:pk')!)
  const second = createQueue(createStore(other), 'pk', () => 0)
  second.push(event(2))
  expect(second.take(10).map((e) => e.id)).toEqual(['id-2'])
  expect(second.state().r).toBe(3000)
})

it('keeps only the latest waiting usage event per account and metric', () => {
  const queue = createQueue(createStore(memoryStorage()), 'pk', () => 0)
  const usage = (n: number, metric: string): NudgeEvent => ({ id: `id-${n}`, type: 'usage', ts: n, account: 'a', user: 'u', metric, value: n })
  queue.push(usage(1, 'contacts'))
  queue.mark(['id-1'], 10_000)
  queue.push(usage(2, 'contacts'))
  queue.push(usage(3, 'seats'))
  queue.push(event(4))
  queue.push(usage(5, 'contacts'))
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-3', 'id-4', 'id-5'])
  expect(queue.state().q).toHaveLength(4)
})
