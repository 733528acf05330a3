// Safe storage: namespacing, refused writes, other tabs' writes and unreadable text.
import { expect, it } from 'vitest'
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
  expect(store.set('queue:pk', { events: [1] })).toBe(true)
  expect(backing.getItem('nudgekit:queue:pk')).toBe('{"events":[1]}')
  expect(store.get('queue:pk')).toEqual({ events: [1] })
})

it('never throws on quota or security errors and keeps the refused value readable in this page', () => {
  const store = createStore(refusing(new DOMException('full', 'QuotaExceededError')))
  expect(store.set('k', { a: 1 })).toBe(false)
  expect(store.get('k')).toEqual({ a: 1 })
  expect(() => store.remove('k')).not.toThrow()
})

it('reads what another tab wrote and ignores text that is not JSON', () => {
  const backing = memoryStorage()
  const store = createStore(backing)
  store.set('k', 1)
  backing.setItem('nudgekit:k', '2')
  expect(store.get('k')).toBe(2)
  backing.setItem('nudgekit:k', '{oops')
  expect(store.get('k')).toBeUndefined()
})
