import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { allowOrigins, parseOrigin } from './index.ts'

describe('parseOrigin', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    [' HTTPS://App.Example.com:443/ ', 'https://app.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['capacitor://localhost', 'capacitor://localhost'],
  ])('normalises %j to the Origin a browser sends, %j', (value, origin) => {
    expect(parseOrigin(value)).toEqual({ ok: true, origin })
  })

  it.each([
    ['*', "'*' is a wildcard, which is not supported"],
    ['https://*.example.com', "'https://*.example.com' is a wildcard, which is not supported"],
    ['app.example.com', "'app.example.com' is not an origin: it has no scheme"],
    ['localhost:3000', "'localhost:3000' is not an origin: it has no scheme"],
    ['https://', "'https://' is not an origin: it does not parse as a URL"],
    ['https://app.example.com/nudgekit', "'https://app.example.com/nudgekit' is not an origin: it has a path, query or fragment"],
    ['https://app.example.com?x=1', "'https://app.example.com?x=1' is not an origin: it has a path, query or fragment"],
    ['https://user@app.example.com', "'https://user@app.example.com' is not an origin: it has credentials"],
    ['file:///tmp/x', "'file:///tmp/x' is not an origin: it has no host"],
  ])('refuses %j: %s', (value, problem) => {
    expect(parseOrigin(value)).toEqual({ ok: false, problem })
  })
})

describe('allowOrigins', () => {
  it('grants an origin configured with a trailing slash to the browser that sends it without one', async () => {
    const app = new Hono()
    app.use(allowOrigins(['https://app.example.com/']))
    app.get('/', (c) => c.text('ok'))
    const response = await app.request('/', { headers: { origin: 'https://app.example.com' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
  })

  it('throws a [nudgekit] error that says how to list origins for a wildcard', () => {
    expect(() => allowOrigins(['https://app.example.com', '*'])).toThrow(
      "[nudgekit] Failed to configure CORS: '*' is a wildcard, which is not supported. Pass each origin as scheme://host[:port], e.g. https://app.example.com (wildcards are not supported: list each origin).",
    )
  })
})
