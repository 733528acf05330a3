// SDK runtime in a DOM (jsdom): main-thread time of 10k setUsage calls, and retained memory over 1M queued events.
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { JSDOM } from 'jsdom'
import { loadRulesOrThrow } from '@nudgekit/rules'

export interface SdkRuntimeResult {
  setUsageCalls: number
  setUsageTotalMs: number
  setUsagePerCallUs: number
  eventsTracked: number
  eventsDelivered: number
  heapMb: { at: number; mb: number }[]
  retainedGrowthMb: number
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapMb(): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

/** Installs a jsdom window as the globals a browser page would have. */
function installDom(): void {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'https://app.example.test/' })
  const { window } = dom
  for (const key of ['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', 'addEventListener', 'removeEventListener']) {
    Object.defineProperty(globalThis, key, { value: key === 'window' ? window : (window as unknown as Record<string, unknown>)[key], configurable: true })
  }
}

export async function runSdkRuntime(setUsageCalls = 10_000, events = 1_000_000): Promise<SdkRuntimeResult> {
  installDom()
  const { createNudge } = await import('@nudgekit/sdk')
  const { compiled } = loadRulesOrThrow(readFileSync('examples/rules/acme-crm.yaml', 'utf8'), { filename: 'acme-crm.yaml' })
  let delivered = 0
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(String(init?.body ?? '{"events":[]}')) as { events: unknown[] }
    delivered += body.events.length
    return new Response(JSON.stringify({ accepted: body.events.length, duplicates: 0, rejected: [] }), { status: 202 })
  }
  const nudge = createNudge({
    endpoint: 'https://app.example.test/nudgekit',
    key: 'pk_bench_0123456789abcdef',
    account: { id: 'acct_bench', plan: 'free', createdAt: Date.now() - 60 * 86_400_000 },
    user: { id: 'user_bench', role: 'admin' },
    rules: compiled,
    fetch: fetch as typeof globalThis.fetch,
  })

  const metrics = ['contacts', 'seats', 'api_calls']
  const t0 = performance.now()
  for (let i = 0; i < setUsageCalls; i++) nudge.setUsage(metrics[i % 3]!, i % 60)
  const setUsageTotalMs = performance.now() - t0
  await nudge.flush()

  const heap: { at: number; mb: number }[] = [{ at: 0, mb: heapMb() }]
  const chunk = 500
  const checkpoint = events / 4
  delivered = 0
  for (let sent = 0; sent < events; ) {
    for (let i = 0; i < chunk; i++, sent++) nudge.track('report_viewed')
    await nudge.flush()
    if (sent % checkpoint === 0) heap.push({ at: sent, mb: heapMb() })
  }
  nudge.destroy()
  return {
    setUsageCalls,
    setUsageTotalMs,
    setUsagePerCallUs: (setUsageTotalMs * 1000) / setUsageCalls,
    eventsTracked: events,
    eventsDelivered: delivered,
    heapMb: heap,
    retainedGrowthMb: heap.at(-1)!.mb - heap[1]!.mb,
  }
}

if (import.meta.main) console.log(JSON.stringify(await runSdkRuntime(10_000, Number(process.env.BENCH_SDK_EVENTS ?? 1_000_000)), null, 1))
