// A clock that runs `speed` times faster than real time, with timers to match, for the SDK's `now` and `timers`.
import type { Timers } from '@nudgekit/sdk'

export interface FastClock {
  now(): number
  timers: Timers
  /** Real milliseconds for `ms` of this clock's time. */
  real(ms: number): number
}

/**
 * Scales the SDK's time: its 10 s request timeout, 1 s…60 s backoff and 1 s batch interval all pass `speed`
 * times faster, so a bounded run exercises many timeouts and retries. Behaviour is unchanged in scaled time.
 * @example const clock = createFastClock(10); createNudge({ …, now: clock.now, timers: clock.timers })
 */
export function createFastClock(speed: number): FastClock {
  const origin = Date.now()
  return {
    now: () => origin + Math.round((Date.now() - origin) * speed),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, ms / speed),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    real: (ms) => ms / speed,
  }
}
