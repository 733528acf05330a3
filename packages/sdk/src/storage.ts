// Safe Web Storage: JSON values under `nudgekit:` keys, written behind (once per microtask, or at `flush`);
// quota, security, parse and serialisation errors never throw.
import type { StorageLike } from './types.ts'

export interface Store {
  /** The parsed value, or `undefined` when absent or unreadable. Unchanged raw text returns the same object. */
  get<T>(key: string): T | undefined
  /** Sets the value now for every reader in this page; it reaches the backing storage at the next `flush`. */
  set(key: string, value: unknown): void
  /** Writes pending values now (also done by itself once per microtask); one that is not JSON is dropped with a warning. */
  flush(): void
}

/** A `StorageLike` that keeps values in memory: the fallback without Web Storage, and handy in tests. */
export function memoryStorage(): StorageLike {
  const map = new Map<string, string>()
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
  }
}

/** `localStorage` or `sessionStorage` when the page may use it (not during SSR, not when blocked), else memory. */
export function webStorage(kind: 'localStorage' | 'sessionStorage'): StorageLike {
  try {
    const storage = globalThis[kind]
    storage.getItem('nudgekit:')
    return storage
  } catch {
    return memoryStorage()
  }
}

// One store per backing storage, so clients in one page share pending writes and parsed values.
const stores = new WeakMap<StorageLike, Store>()

/**
 * The JSON store over `backing`. A burst of changes costs one serialisation per key: writes wait for the
 * end of the current task's microtasks, which always run before the page can go away.
 * @example const store = createStore(localStorage); store.set('k', { a: 1 }); store.get('k') // { a: 1 }
 */
export function createStore(backing: StorageLike): Store {
  const existing = stores.get(backing)
  if (existing) return existing
  // Parsed values by key, after the raw text they came from; a refused write stays readable here.
  const cache = new Map<string, [raw: string | null, value: unknown]>()
  const dirty = new Map<string, unknown>()
  const read = (key: string): string | null => {
    try {
      return backing.getItem('nudgekit:' + key)
    } catch {
      return null
    }
  }
  const store: Store = {
    get<T>(key: string) {
      if (dirty.has(key)) return dirty.get(key) as T
      const raw = read(key)
      try {
        // Absent (null) parses as null and is kept as undefined.
        if (cache.get(key)?.[0] !== raw) cache.set(key, [raw, JSON.parse(raw!) ?? undefined])
      } catch {
        return undefined
      }
      return cache.get(key)![1] as T
    },
    set(key, value) {
      if (!dirty.size) queueMicrotask(store.flush)
      dirty.set(key, value)
    },
    flush() {
      for (const [key, value] of dirty) {
        let raw: string | undefined
        try {
          backing.setItem('nudgekit:' + key, (raw = JSON.stringify(value)))
          cache.set(key, [raw, value])
        } catch (error) {
          // A value that is not JSON (a cycle, a BigInt) is dropped alone: the other keys are written, and it
          // cannot block later writes. A refused write (quota, privacy mode) stays readable in this page.
          if (raw === undefined) console.warn(`[nudgekit] Failed to save ${key}: ${error}.`)
          else cache.set(key, [read(key), value])
        }
      }
      dirty.clear()
    },
  }
  stores.set(backing, store)
  return store
}
