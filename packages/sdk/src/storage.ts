// Safe Web Storage: JSON values under `nudgekit:` keys; quota, security and parse errors never throw.
import type { StorageLike } from './types.ts'

export interface Store {
  /** The parsed value, or `undefined` when absent or unreadable. Unchanged raw text returns the same object. */
  get<T>(key: string): T | undefined
  /** Writes the value; `false` when the browser refused (quota, privacy mode). */
  set(key: string, value: unknown): boolean
  remove(key: string): void
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

/** A JSON store over `backing`; parsed values are cached until another tab changes the raw text. */
export function createStore(backing: StorageLike): Store {
  // A value the browser refused to store stays readable here while the stored text is unchanged.
  const cache = new Map<string, { raw: string | null; value: unknown }>()
  const read = (key: string): string | null => {
    try {
      return backing.getItem('nudgekit:' + key)
    } catch {
      return null
    }
  }
  return {
    get<T>(key: string) {
      const raw = read(key)
      const hit = cache.get(key)
      if (hit && hit.raw === raw) return hit.value as T
      if (raw === null) return undefined
      try {
        const value = JSON.parse(raw) as T
        cache.set(key, { raw, value })
        return value
      } catch {
        return undefined
      }
    },
    set(key, value) {
      const raw = JSON.stringify(value)
      try {
        backing.setItem('nudgekit:' + key, raw)
        cache.set(key, { raw, value })
        return true
      } catch {
        cache.set(key, { raw: read(key), value })
        return false
      }
    },
    remove(key) {
      cache.delete(key)
      try {
        backing.removeItem('nudgekit:' + key)
      } catch {
        /* a blocked storage has nothing to remove */
      }
    },
  }
}
