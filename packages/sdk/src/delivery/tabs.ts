// Change notices between the tabs of one key (BroadcastChannel); the send lock lives in delivery.ts.

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
  const channel = globalThis.BroadcastChannel && new BroadcastChannel('nudgekit:' + key)
  if (channel) channel.onmessage = (event) => listener(String(event.data))
  return { post: (message) => channel?.postMessage(message), close: () => channel?.close() }
}

