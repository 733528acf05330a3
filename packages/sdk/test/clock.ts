// A virtual clock for tests: `now`, injectable timers, and `advance` that runs due timers in order
// while letting real I/O (msw responses) settle between them.
import type { Timers } from '../src/types.ts'

export interface VirtualClock {
  now: () => number
  timers: Timers
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): Promise<void>
  /** Lets pending promises and intercepted requests finish without moving time. */
  settle(): Promise<void>
  pending(): number
}

/** 2026-01-05 09:00 UTC, a Monday. */
export const START = Date.UTC(2026, 0, 5, 9)

export function createClock(start = START): VirtualClock {
  let time = start
  let sequence = 0
  const due = new Map<number, { at: number; run: () => void }>()
  const settle = async () => {
    for (let i = 0; i < 8; i++) await new Promise((resolve) => setImmediate(resolve))
  }
  return {
    now: () => time,
    timers: {
      setTimeout(run, ms) {
        const id = ++sequence
        due.set(id, { at: time + Math.max(0, ms), run })
        return id
      },
      clearTimeout(id) {
        due.delete(id as number)
      },
    },
    async advance(ms) {
      const end = time + ms
      await settle()
      for (;;) {
        let next: [number, { at: number; run: () => void }] | undefined
        for (const entry of due) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry
        if (!next) break
        due.delete(next[0])
        time = Math.max(time, next[1].at)
        next[1].run()
        await settle()
      }
      time = end
      await settle()
    },
    settle,
    pending: () => due.size,
  }
}
