// The events transport: answers, timeouts, and the unload path.
import { afterEach, expect, it, vi } from 'vitest'
import type { NudgeEvent, Timers } from '../types.ts'
import { createTransport } from './transport.ts'

const event = (n: number, padding = ''): NudgeEvent => ({ id: `id-${n}`, type: 'track', ts: n, account: 'a', user: 'u', props: { padding } })
const manualTimers = () => {
  const pending: Array<() => void> = []
  const timers: Timers = { setTimeout: (run) => pending.push(run), clearTimeout: () => {} }
  return { timers, fire: () => pending.splice(0).forEach((run) => run()) }
}
const setup = (fetch: typeof globalThis.fetch, timers = manualTimers().timers) =>
  createTransport({ endpoint: 'https://x.test/nk/', key: 'pk_1', fetch, timers, now: () => 0 })

afterEach(() => vi.unstubAllGlobals())

it('reads a 202 with rejects, a retryable status with Retry-After, and a refusal', async () => {
  const answers = [
    Response.json({ accepted: 1, duplicates: 0, rejected: [{ index: 1, error: 'bad type' }] }, { status: 202 }),
    new Response(null, { status: 429, headers: { 'retry-after': '7' } }),
    new Response(null, { status: 401 }),
  ]
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => answers.shift()!)
  const transport = setup(fetch)
  expect(await transport.post([event(1), event(2)], 0)).toEqual({ rejected: [{ index: 1, error: 'bad type' }] })
  expect(await transport.post([event(1)], 3)).toEqual({ retry: 7000, reason: 'HTTP 429' })
  expect(await transport.post([event(1)], 0)).toEqual({ reason: 'HTTP 401' })
  expect(fetch.mock.calls[0]![0]).toBe('https://x.test/nk/v1/events')
  expect(JSON.parse(fetch.mock.calls[1]![1]!.body as string)).toEqual({ events: [event(1)], dropped: 3 })
})

it('aborts a request that takes longer than the timeout and calls it retryable', async () => {
  const { timers, fire } = manualTimers()
  const fetch = vi.fn(
    (_url: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
  )
  const outcome = setup(fetch as typeof globalThis.fetch, timers).post([event(1)], 0)
  await Promise.resolve()
  fire()
  expect(await outcome).toEqual({ retry: 0, reason: 'AbortError' })
})

it('keeps an unload request under 64 KB, as text/plain with the key in the body', () => {
  const fetch = vi.fn(async () => new Response(null, { status: 202 }))
  const events = Array.from({ length: 10 }, (_, n) => event(n, 'x'.repeat(10_000)))
  const { ids } = setup(fetch).unload(events, 0)
  expect(ids).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4'])
})

it('falls back to sendBeacon where fetch has no keepalive', () => {
  const sendBeacon = vi.fn(() => true)
  vi.stubGlobal('Request', class {})
  vi.stubGlobal('navigator', { sendBeacon })
  const fetch = vi.fn()
  const { ids, done } = setup(fetch).unload([event(1)], 2)
  expect(ids).toEqual(['id-1'])
  expect(done).toBeUndefined()
  expect(fetch).not.toHaveBeenCalled()
  expect(sendBeacon).toHaveBeenCalledWith('https://x.test/nk/v1/events', expect.any(Blob))
})
