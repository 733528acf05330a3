import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nodeProblem, SUPPORTED_NODE } from './node-version.ts'

describe('nodeProblem', () => {
  it('accepts the Node versions engines.node allows and names the version of any other', () => {
    for (const version of ['22.20.0', '22.21.1', '24.7.0', '24.9.0', '25.0.0', '26.10.0']) expect(nodeProblem(version)).toBeUndefined()
    for (const version of ['20.20.2', '22.12.0', '22.19.0', '23.11.0', '24.6.0']) {
      expect(nodeProblem(version)).toBe(`nudgekit needs Node.js 22.20 or later (24.7 or later from 24 on); this is Node.js ${version}`)
    }
  })

  it('states the range package.json declares', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(manifest.engines.node).toBe(SUPPORTED_NODE)
  })
})
