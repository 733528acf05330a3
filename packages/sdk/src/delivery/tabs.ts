// Change notices between the tabs of one key (BroadcastChannel); the send lock lives in delivery.ts.

/**
 * The channel that tells the other tabs of this key that shared state changed (`postMessage('state')`);
 * `listener` hears theirs. `undefined` without BroadcastChannel: tabs still read each other's state from
 * storage at their next evaluation.
 * @example const channel = createTabChannel('pk_live_1', reload); channel?.postMessage('state')
 */
export function createTabChannel(key: string, listener: () => void): BroadcastChannel | undefined {
  const channel = globalThis.BroadcastChannel && new BroadcastChannel('nudgekit:' + key)
  if (channel) channel.onmessage = listener
  return channel
}
