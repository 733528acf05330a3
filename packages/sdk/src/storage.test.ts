// Safe storage: namespacing, refused writes, values that are not JSON, other tabs' writes and unreadable text.
import { expect, it, vi } from 'vitest'
import { createStore, memoryStorage } from './storage.ts'
import type { StorageLike } from './types.ts'

const refusing = (error: Error): StorageLike => ({
  getItem: () => {
    throw error
  },
  setItem: () => {
    throw error
  },
  removeItem: () => {
    throw error
  },
})

it('namespaces keys and round-trips JSON', () => {
  const backing = memoryStorage()
  const store = createStore(backing)
  store.set('queue:pk', { events: [1] })
  store.flush()
  expect(backing.getItem('nudgekit:queue:pk')).toBe('{"events":[1]}')
  expect(store.get('queue:pk')).toEqual({ events: [1] })
})

it('never throws on quota or security errors and keeps the refused value readable in this page', () => {
  const store = createStore(refusing(new DOMException('full', 'QuotaExceededError')))
  store.set('k', { a: 1 })
  expect(() => store.flush()).not.toThrow()
  expect(store.get('k')).toEqual({ a: 1 })
})

it('reads what another tab wrote and ignores text that is not JSON', () => {
  const backing = memoryStorage()
  const store = createStore(backing)
  store.set('k', 1)
  store.flush()
  backing.setItem('nudgekit:k', '2')
  expect(store.get('k')).toBe(2)
  backing.setItem('nudgekit:k', '{oops')
  expect(store.get('k')).toBeUndefined()
})

it('writes a burst of changes once, at the end of the task', async () => {
  const writes: string[] = []
  const backing = memoryStorage()
  const store = createStore({ ...backing, setItem: (key, value) => (writes.push(value), backing.setItem(key, value)) })
  for (let n = 1; n <= 3; n++) store.set('k', { n })
  expect(store.get('k')).toEqual({ n: 3 })
  expect(writes).toEqual([])
  await Promise.resolve()
  expect(writes).toEqual(['{"n":3}'])
})

it('is one store per backing storage, so clients in one page see each other’s pending writes', () => {
  const backing = memoryStorage()
  createStore(backing).set('k', 1)
  expect(createStore(backing).get('k')).toBe(1)
})

it('drops a value that is not JSON with a warning, and still writes the other keys, now and later', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const backing = memoryStorage()
  const store = createStore(backing)
  const circular: Record<string, unknown> = {}
  circular.self = circular
  store.set('a', 1)
  store.set('loop', circular)
  store.set('big', { n: 1n })
  store.set('b', 2)
  expect(() => store.flush()).not.toThrow()
  expect([backing.getItem('nudgekit:a'), backing.getItem('nudgekit:b'), backing.getItem('nudgekit:loop'), backing.getItem('nudgekit:big')]).toEqual(['1', '2', null, null])
  expect(warn.mock.calls.map(([text]) => String(text))).toEqual([
    expect.stringMatching(/^\[nudgekit\] Failed to save loop: TypeError: Converting circular structure to JSON/),
    expect.stringMatching(/^\[nudgekit\] Failed to save big: TypeError: .*BigInt/),
  ])
  store.set('a', 3)
  store.flush()
  expect(backing.getItem('nudgekit:a')).toBe('3')
  expect(store.get('loop')).toBeUndefined()
  warn.mockRestore()
})
