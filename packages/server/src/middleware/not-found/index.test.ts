import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { notFound } from './index.ts'

function setup() {
  const app = new Hono()
  app.use('/v1/*', async (_c, next) => next())
  app.get('/v1/rules', (c) => c.text('rules'))
  app.post('/v1/events', (c) => c.text('events'))
  app.get('/v1/both', (c) => c.text('get'))
  app.put('/v1/both', (c) => c.text('put'))
  app.notFound(notFound(app))
  return app
}

describe('notFound', () => {
  it('answers 405 with Allow for a known path called with another method', async () => {
    const response = await setup().request('/v1/events')
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect(await response.json()).toEqual({
      error: {
        code: 'method_not_allowed',
        message: 'Failed to route GET /v1/events: the path takes POST.',
        hint: 'Call POST /v1/events.',
      },
    })
  })

  it('lists every method of the path, HEAD with GET', async () => {
    const app = setup()
    expect((await app.request('/v1/rules', { method: 'DELETE' })).headers.get('allow')).toBe('GET, HEAD')
    const both = await app.request('/v1/both', { method: 'POST' })
    expect(both.status).toBe(405)
    expect(both.headers.get('allow')).toBe('GET, HEAD, PUT')
  })

  it('answers 404 for a path no route takes, middleware paths included', async () => {
    const response = await setup().request('/v1/nothing', { method: 'POST' })
    expect(response.status).toBe(404)
    expect(response.headers.get('allow')).toBeNull()
    expect(await response.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'Failed to route POST /v1/nothing: no such path.',
        hint: 'See GET /v1/openapi.json for the routes.',
      },
    })
  })
})
