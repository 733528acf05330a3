// The old transport factory: createDelivery now makes its requests itself from `endpoint` and `fetch`.
import type { Timers } from '../types.ts'

/**
 * Passes `endpoint` and `fetch` on to `createDelivery`, for create-nudge.ts until it hands them over directly.
 * @deprecated Pass `endpoint` and `fetch` to `createDelivery`.
 * @example createDelivery({ ...options, transport: createTransport({ endpoint, key, fetch, timers, now }), lock })
 */
export function createTransport<T extends { endpoint: string; key: string; fetch: typeof fetch; timers: Timers; now: () => number }>(options: T): T {
  return options
}
