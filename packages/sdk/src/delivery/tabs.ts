// Coordination between tabs: one sender at a time (Web Locks) and change notices (BroadcastChannel).

/** Runs `task` unless another tab is sending; resolves `false` without running it then. */
export type TabLock = (task: () => Promise<void>) => Promise<boolean>

/**
 * The flush lock of one key: a Web Lock, which the browser releases when a page dies. Current browsers
 * all have Web Locks; elsewhere (tests, server rendering) the task just runs — the in-flight marks on
 * queued events still keep two senders from carrying the same events.
 * @example const lock = createTabLock('pk_live_1'); await lock(sendAll)
 */
export function createTabLock(key: string): TabLock {
  const name = 'nudgekit:flush:' + key
  return (task) => {
    const locks = globalThis.navigator?.locks
    return locks ? locks.request(name, { ifAvailable: true }, async (lock) => !!lock && (await task(), true)) : task().then(() => true)
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
