// The persisted queue: capacity and drop counting, in-flight marks, sharing between tabs.
import { expect, it } from 'vitest'
import { createStore, memoryStorage } from '../storage.ts'
import type { NudgeEvent } from '../types.ts'
import { createQueue } from './queue.ts'

const event = (n: number): NudgeEvent => ({ id: `id-${n}`, type: 'track', ts: n, account: 'a', user: 'u' })

it('drops the oldest events beyond its capacity and counts them', () => {
  const queue = createQueue(createStore(memoryStorage()), 'pk', () => 0, 3)
  const pushes = Array.from({ length: 5 }, (_, n) => queue.push(event(n)))
  expect(pushes.map((p) => p.dropped)).toEqual([0, 0, 0, 1, 1])
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-2', 'id-3', 'id-4'])
  expect(queue.dropped()).toBe(2)
  queue.countDropped(-2)
  expect(queue.dropped()).toBe(0)
})

it('skips events in flight until delivered, released or the mark expires', () => {
  let time = 0
  const queue = createQueue(createStore(memoryStorage()), 'pk', () => time)
  for (let n = 0; n < 4; n++) queue.push(event(n))
  queue.mark(['id-0', 'id-1'], 10_000)
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-2', 'id-3'])
  queue.unmark(['id-1'])
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-1', 'id-2', 'id-3'])
  time = 10_000
  expect(queue.take(10).map((e) => e.id)).toEqual(['id-0', 'id-1', 'id-2', 'id-3'])
  queue.remove(['id-0', 'id-2'])
  expect(queue.size()).toBe(2)
})

it('is shared by the queues of two tabs over one storage', () => {
  const storage = memoryStorage()
  const first = createQueue(createStore(storage), 'pk', () => 0)
  const second = createQueue(createStore(storage), 'pk', () => 0)
  first.push(event(1))
  second.push(event(2))
  first.mark(['id-1'], 5000)
  expect(second.take(10).map((e) => e.id)).toEqual(['id-2'])
  second.setRetryAt(3000)
  expect(first.retryAt()).toBe(3000)
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
  expect(queue.size()).toBe(4)
})
