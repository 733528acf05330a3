import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../http/env.ts'
import { jsonLinesLogger } from '../../logger.ts'
import { accessLog } from './index.ts'

describe('accessLog', () => {
  it('writes one JSON line per request carrying the x-request-id', async () => {
    const lines: string[] = []
    const app = new Hono<AppEnv>()
    app.use(requestId(), accessLog(jsonLinesLogger((line) => lines.push(line))))
    app.get('/missing', (c) => c.json({}, 404))
    const response = await app.request('/missing', { headers: { 'x-request-id': 'req-42' } })
    expect(response.headers.get('x-request-id')).toBe('req-42')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'request', request_id: 'req-42', method: 'GET', path: '/missing', status: 404 })
  })
})
