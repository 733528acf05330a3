// Tab coordination: the storage lease, Web Locks, and change notices between tabs.
import { afterEach, expect, it, vi } from 'vitest'
import { createStore, memoryStorage } from '../storage.ts'
import { createTabChannel, createTabLock } from './tabs.ts'

afterEach(() => vi.unstubAllGlobals())

it('lets one tab at a time hold the storage lease, and takes over a lease a dead page left behind', async () => {
  vi.stubGlobal('navigator', {})
  let time = 0
  const store = createStore(memoryStorage())
  const first = createTabLock('pk', store, () => time, 'tab-1')
  const second = createTabLock('pk', store, () => time, 'tab-2')
  let inside: boolean | undefined
  expect(await first.run(async () => void (inside = await second.run(async () => {})))).toBe(true)
  expect(inside).toBe(false)
  expect(await second.run(async () => {})).toBe(true)
  store.set('lease:pk', { owner: 'dead-tab', until: 30_000 })
  expect(await second.run(async () => {})).toBe(false)
  time = 30_001
  expect(await second.run(async () => {})).toBe(true)
})

it('uses Web Locks when the browser has them, without waiting for a held lock', async () => {
  const request = vi.fn(async (_name: string, _options: LockOptions, callback: (lock: Lock | null) => Promise<boolean>) => callback(null))
  vi.stubGlobal('navigator', { locks: { request } })
  const lock = createTabLock('pk', createStore(memoryStorage()), () => 0, 'tab-1')
  const task = vi.fn(async () => {})
  expect(await lock.run(task)).toBe(false)
  expect(task).not.toHaveBeenCalled()
  expect(request).toHaveBeenCalledWith('nudgekit:flush:pk', { ifAvailable: true }, expect.any(Function))
})

it('tells the other tabs of the same key, not itself', async () => {
  const heard: string[] = []
  const first = createTabChannel('pk', (message) => heard.push(`first:${message}`))
  const second = createTabChannel('pk', (message) => heard.push(`second:${message}`))
  first.post('state')
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(heard).toEqual(['second:state'])
  first.close()
  second.close()
})
