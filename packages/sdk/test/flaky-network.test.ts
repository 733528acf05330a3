// 5,000 events through a server that fails 20 % with 503, never answers 10 % (half of those after
// committing), rate-limits 5 % with Retry-After, and a page reload mid-stream: every event arrives once.
import { expect, it } from 'vitest'
import type { Nudge } from '../src/types.ts'
import { BASE_RULES, compileRules } from './fixtures.ts'
import { setupHarness } from './harness.ts'

const TOTAL = 5000
const PER_SECOND = 10

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const env = setupHarness(compileRules(BASE_RULES), { session: 'shared' })

it('delivers every one of 5,000 events exactly once through 5xx, timeouts, 429 and a reload', { timeout: 240_000 }, async () => {
  const served = { serverError: 0, timeout: 0, rateLimit: 0 }
  env.fake.chaos = { serverError: 0.2, timeout: 0.1, rateLimit: 0.05, retryAfter: '3', random: seeded(7), served }
  const open = () => env.open({ options: { random: seeded(11) } })
  let nudge: Nudge = open()

  for (let n = 0; n < TOTAL; ) {
    for (let i = 0; i < PER_SECOND; i++, n++) nudge.track('report_viewed', { n })
    if (n === TOTAL / 2) {
      nudge.destroy()
      nudge = open()
    }
    await env.clock.advance(1000)
  }
  env.fake.chaos = undefined
  for (let i = 0; i < 60 && new Set(env.fake.events.filter((e) => e.type === 'track')).size < TOTAL; i++) await env.clock.advance(15_000)
  nudge.destroy()

  const numbers = env.fake.events.filter((e) => e.type === 'track').map((e) => e.props?.n as number)
  const sent = env.fake.requests.filter((r) => r.path === '/v1/events').reduce((sum, r) => sum + (r.count ?? 0), 0)
  console.log(
    `flaky network: ${TOTAL} events made, ${sent} sent in ${env.fake.requests.length} requests (retries included), ` +
      `${env.fake.received} received by the server, ${env.fake.duplicates} duplicates deduped, ${numbers.length} stored, ` +
      `${env.fake.droppedReported} reported dropped; faults served: ${served.serverError} × 503, ` +
      `${served.timeout} timeouts, ${served.rateLimit} × 429`,
  )
  expect(Math.min(served.serverError, served.timeout, served.rateLimit)).toBeGreaterThan(0)
  expect(numbers.length).toBe(TOTAL)
  expect(new Set(numbers).size).toBe(TOTAL)
  expect(env.fake.droppedReported).toBe(0)
})
