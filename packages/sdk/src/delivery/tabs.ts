// Coordination between tabs: one sender at a time (Web Locks, else a lease in storage) and change notices.
import type { Store } from '../storage.ts'

export interface TabLock {
  /** Runs `task` when no other tab holds the lock; resolves `false` without running it otherwise. */
  run(task: () => Promise<void>): Promise<boolean>
  /** Gives up a held lease now (the page is going away). */
  release(): void
}

const LEASE_MS = 30_000

/**
 * The flush lock of one key. Web Locks release themselves when a page dies; the storage lease used
 * without them expires after 30 s, which outlasts one request (10 s timeout).
 * @example const lock = createTabLock('pk_live_1', store, Date.now); await lock.run(sendAll)
 */
export function createTabLock(key: string, store: Store, now: () => number, owner: string): TabLock {
  const name = 'nudgekit:flush:' + key
  const locks = globalThis.navigator?.locks
  if (locks) {
    return {
      run: (task) => locks.request(name, { ifAvailable: true }, async (lock) => !!lock && (await task(), true)),
      release() {},
    }
  }
  const lease = 'lease:' + key
  const holder = () => store.get<{ owner: string; until: number }>(lease)
  const release = () => {
    if (holder()?.owner === owner) store.remove(lease)
  }
  return {
    async run(task) {
      const held = holder()
      if (held && held.owner !== owner && held.until > now()) return false
      store.set(lease, { owner, until: now() + LEASE_MS })
      try {
        await task()
      } finally {
        release()
      }
      return true
    },
    release,
  }
}

export interface TabChannel {
  post(message: string): void
  close(): void
}

/**
 * Tells the other tabs of this key that shared state changed; `listener` hears theirs. Without
 * BroadcastChannel, tabs still read each other's state from storage at their next evaluation.
 * @example const channel = createTabChannel('pk_live_1', (m) => m === 'state' && reload())
 */
export function createTabChannel(key: string, listener: (message: string) => void): TabChannel {
  const Channel = globalThis.BroadcastChannel
  if (!Channel) return { post() {}, close() {} }
  const channel = new Channel('nudgekit:' + key)
  channel.onmessage = (event) => listener(String(event.data))
  return { post: (message) => channel.postMessage(message), close: () => channel.close() }
}
