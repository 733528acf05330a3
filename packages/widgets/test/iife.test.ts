// The <script>-tag bundle, built with esbuild as CI builds it, run in the page: window.Nudgekit works end to end.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, expect, it, vi } from 'vitest'
import './helpers.tsx'
import { rules } from './rules.ts'

afterEach(() => {
  document.body.replaceChildren()
  Reflect.deleteProperty(window, 'Nudgekit')
})

/** esbuild's JS API refuses jsdom's TextEncoder, so the bundle is built by its CLI in a child process. */
function buildIife(): string {
  const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild')
  const entry = join(import.meta.dirname, '../src/iife.ts')
  const flags = ['--bundle', '--minify', '--format=iife', '--platform=browser', '--conditions=@nudgekit/source']
  return execFileSync(esbuild, [entry, ...flags, '--jsx=automatic', '--jsx-import-source=preact', '--log-level=error'], {
    encoding: 'utf8',
  })
}

it('exposes createNudge, mount, mountGate and mountMeter on window.Nudgekit and renders a prompt', async () => {
  const code = buildIife()
  // CSP without 'unsafe-eval': nothing in the bundle compiles code from strings.
  expect(/\beval\(|new Function\(/.test(code)).toBe(false)
  // Runs the bundle the way a classic <script> would: globals are the jsdom window's.
  new Function(code)()
  const { Nudgekit } = window
  expect(Object.keys(Nudgekit).sort()).toEqual(['createNudge', 'mount', 'mountGate', 'mountMeter'])
  const nudge = Nudgekit.createNudge({
    endpoint: 'https://app.example.test/nudgekit',
    key: 'pk_test_1',
    account: { id: 'acct_1', plan: 'free' },
    user: { id: 'user_1', role: 'owner' },
    rules,
    fetch: async () => Response.json({ triggers: {}, accepted: 0, duplicates: 0, rejected: [] }, { status: 202 }),
  })
  const unmount = Nudgekit.mount(nudge)
  nudge.track('report_viewed')
  // The bundle carries its own Preact, which renders on its own schedule (not under the test's act()).
  const root = document.querySelector('[data-nudgekit]')?.shadowRoot
  await vi.waitFor(() => expect(root?.querySelector('[role=status]')?.textContent).toContain('Teams like yours pick Pro'))
  unmount()
  nudge.destroy()
})
