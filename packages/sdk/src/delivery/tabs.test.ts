// Tab coordination: Web Locks, and change notices between tabs.
import { afterEach, expect, it, vi } from 'vitest'
import { createTabChannel, createTabLock } from './tabs.ts'

afterEach(() => vi.unstubAllGlobals())

it('runs the task where the browser has no Web Locks', async () => {
  vi.stubGlobal('navigator', {})
  const task = vi.fn(async () => {})
  expect(await createTabLock('pk')(task)).toBe(true)
  expect(task).toHaveBeenCalledOnce()
})

it('uses Web Locks when the browser has them, without waiting for a held lock', async () => {
  const request = vi.fn(async (_name: string, _options: LockOptions, callback: (lock: Lock | null) => Promise<boolean>) => callback(null))
  vi.stubGlobal('navigator', { locks: { request } })
  const task = vi.fn(async () => {})
  expect(await createTabLock('pk')(task)).toBe(false)
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
