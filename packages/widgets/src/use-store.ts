// Subscribes a Preact component to a nanostores store without pulling in @nanostores/preact.
import { useEffect, useState } from 'preact/hooks'

/** What the hook needs of a store; every nanostores atom (the SDK's `$prompts`, `$usage`, …) has it. */
export interface Subscribable<T> {
  get(): T
  /** Calls `listener` with the current value at once and on every change; returns unsubscribe. */
  subscribe(listener: (value: T) => void): () => void
}

/**
 * The store's current value; the component re-renders whenever it changes.
 * @example const prompts = useStore(nudge.$prompts)
 */
export function useStore<T>(store: Subscribable<T>): T {
  const [value, setValue] = useState(() => store.get())
  // `subscribe` calls back at once with the current value, which also covers a change made between
  // this render and the effect running.
  useEffect(() => store.subscribe((next) => setValue(() => next)), [store])
  return value
}
