import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHandler, type Handler } from './handler.ts'
import { sqlite } from './store/sqlite.ts'
import type { Store } from './store/types.ts'
import { RULES_YAML } from './test-support/rules.ts'

const PK = 'pk_test_0123456789abcdef'
const SK = 'sk_test_0123456789abcdef'

let dir: string
let file: string
let store: Store
let handler: Handler
let logs: { level: string; msg: string; issues?: string; routes?: string[] }[]

const etagOf = async () => (await handler(new Request('http://x/v1/rules', { headers: { authorization: `Bearer ${PK}` } }))).headers.get('etag')
const triggersOf = async () =>
  ((await (await handler(new Request('http://x/v1/rules', { headers: { authorization: `Bearer ${PK}` } }))).json()) as {
    triggers: { id: string }[]
  }).triggers.map((t) => t.id)

/** Polls until `check` passes: file watching is asynchronous. */
async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nudgekit-rules-'))
  file = join(dir, 'nudgekit.yaml')
  writeFileSync(file, RULES_YAML)
  store = sqlite(':memory:')
  logs = []
  handler = createHandler({
    rules: file,
    store,
    keys: { publishable: PK, secret: SK },
    logger: { info: (msg, f) => logs.push({ level: 'info', msg, ...f }), warn: () => {}, error: (msg, f) => logs.push({ level: 'error', msg, ...f }) },
  })
})
afterEach(async () => {
  handler.close()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('rules from a file', () => {
  it('serves a valid edit at once with a new ETag', async () => {
    const before = await etagOf()
    writeFileSync(file, RULES_YAML.replace('id: segmentation-gate', 'id: segmentation-lock'))
    await eventually(async () => expect(await etagOf()).not.toBe(before))
    expect(await triggersOf()).toEqual(['contacts-80', 'segmentation-lock'])
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'rules reloaded' }))
  })

  it('keeps serving the last good rules after an invalid edit, and logs the formatted issues', async () => {
    const before = await etagOf()
    writeFileSync(file, RULES_YAML.replace('usage: contacts', 'usage: contact'))
    await eventually(async () => expect(logs.some((l) => l.msg.startsWith('rules reload failed'))).toBe(true))
    const failure = logs.find((l) => l.msg.startsWith('rules reload failed'))!
    expect(failure.issues).toMatch(/nudgekit\.yaml:\d+:\d+/)
    expect(failure.issues).toContain("'contact'")
    expect(await etagOf()).toBe(before)
    writeFileSync(file, RULES_YAML.replace('title: "Running out of room?"', 'title: "Almost full?"'))
    await eventually(async () => expect(await etagOf()).not.toBe(before))
  })

  it('picks up a file replaced by rename, as editors save it', async () => {
    const before = await etagOf()
    const temporary = join(dir, '.nudgekit.yaml.swp')
    writeFileSync(temporary, RULES_YAML.replace('id: contacts-80', 'id: contacts-90'))
    renameSync(temporary, file)
    await eventually(async () => expect(await etagOf()).not.toBe(before))
    expect(await triggersOf()).toContain('contacts-90')
  })

  it('rebuilds the webhooks router when an edit changes the routes, starting the new one and closing the old', async () => {
    const seen: string[][] = []
    const lifecycle: string[] = []
    const withRoutes = (url: string) =>
      `${RULES_YAML}routes:\n  - { id: cs, url: "${url}", on: [upgrade_requested] }\n`
    writeFileSync(file, withRoutes('https://hooks.example.com/a'))
    const routed = createHandler({
      rules: file,
      store,
      keys: { publishable: PK, secret: SK },
      logger: { info() {}, warn() {}, error() {} },
      webhooks: (routes) => {
        seen.push(routes.map((route) => route.url))
        const name = routes[0]!.url.slice(-1)
        return {
          deliveriesFor: () => [],
          wake() {},
          start: () => void lifecycle.push(`start ${name}`),
          idle: async () => {},
          close: async () => void lifecycle.push(`close ${name}`),
        }
      },
    })
    try {
      writeFileSync(file, withRoutes('https://hooks.example.com/b'))
      await eventually(async () => expect(seen).toEqual([['https://hooks.example.com/a'], ['https://hooks.example.com/b']]))
      expect(lifecycle).toEqual(['start a', 'start b', 'close a'])
    } finally {
      await routed.close()
    }
    expect(lifecycle).toEqual(['start a', 'start b', 'close a', 'close b'])
  })

  it('logs an edit of the routes alone, which leaves the hash and the ETag as they were', async () => {
    const before = await etagOf()
    writeFileSync(file, `${RULES_YAML}routes:\n  - { id: cs, url: "https://hooks.example.com/a", on: [upgrade_requested] }\n`)
    await eventually(async () => expect(logs).toContainEqual(expect.objectContaining({ level: 'info', msg: 'routes reloaded', routes: ['cs'] })))
    expect(await etagOf()).toBe(before)
  })

  it('refuses to start on an invalid file, with every issue formatted', () => {
    writeFileSync(file, RULES_YAML.replace('usage: contacts', 'usage: contact'))
    expect(() => createHandler({ rules: file, store, keys: { publishable: PK, secret: SK } })).toThrow(
      /Failed to load rules from .*nudgekit\.yaml:[\s\S]*'contact'/,
    )
  })

  it('refuses to start on a missing file with a one-line reason', () => {
    expect(() => createHandler({ rules: join(dir, 'missing.yaml'), store, keys: { publishable: PK, secret: SK } })).toThrow(
      /Failed to load rules: cannot read .*missing\.yaml: ENOENT/,
    )
  })
})
