import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../http/env.ts'
import { createKeyring } from '../../keys.ts'
import { bearerKey, requireKey } from './index.ts'

const keyring = createKeyring({ publishable: 'pk_test_0123456789abcdef', secret: 'sk_test_0123456789abcdef' })
const app = new Hono<AppEnv>()
app.get('/public', requireKey(keyring, 'publishable'), (c) => c.json({ kind: c.get('keyKind') }))
app.get('/secret', requireKey(keyring, 'secret'), (c) => c.json({ kind: c.get('keyKind') }))
const call = (path: string, key?: string) =>
  app.request(path, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } })
const withHeader = (authorization: string) => app.request('/public', { headers: { authorization } })

describe('requireKey', () => {
  it('answers 401 missing_key without an Authorization header', async () => {
    const response = await call('/public')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      error: { code: 'missing_key', message: 'Failed to authenticate: no API key was sent.', hint: 'Send the key as "Authorization: Bearer <key>".' },
    })
  })

  it('says the scheme must be Bearer when the header uses another one, without echoing it', async () => {
    for (const header of ['Basic dXNlcjpwYXNz', 'Token pk_test_0123456789abcdef', 'pk_test_0123456789abcdef']) {
      const response = await withHeader(header)
      expect(response.status, header).toBe(401)
      const body = await response.json()
      expect(body, header).toEqual({
        error: {
          code: 'missing_key',
          message: 'Failed to authenticate: the Authorization header does not use the Bearer scheme.',
          hint: 'Send the key as "Authorization: Bearer <key>"; other schemes (Basic, Token) are not read.',
        },
      })
    }
  })

  it('says what is wrong with a Bearer header that holds no single key', async () => {
    for (const header of ['Bearer', 'Bearer pk_a pk_b']) {
      const response = await withHeader(header)
      expect(response.status, header).toBe(401)
      expect(await response.json(), header).toMatchObject({
        error: { code: 'missing_key', message: 'Failed to authenticate: the Authorization header holds no single key after Bearer.' },
      })
    }
  })

  it('answers 401 unknown_key for a key that is not configured', async () => {
    const response = await call('/public', 'pk_test_0123456789abcdeX')
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_key' } })
  })

  it('answers 403 when a publishable key calls a secret route', async () => {
    const response = await call('/secret', 'pk_test_0123456789abcdef')
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: { code: 'secret_key_required' } })
  })

  it('lets the secret key call publishable routes too', async () => {
    expect(await (await call('/public', 'sk_test_0123456789abcdef')).json()).toEqual({ kind: 'secret' })
    expect(await (await call('/secret', 'sk_test_0123456789abcdef')).json()).toEqual({ kind: 'secret' })
  })

  it('reads only well-formed Bearer headers', () => {
    expect(bearerKey('Bearer pk_abc')).toBe('pk_abc')
    expect(bearerKey('bearer   pk_abc ')).toBe('pk_abc')
    expect(bearerKey('Basic abc')).toBeUndefined()
    expect(bearerKey(undefined)).toBeUndefined()
  })
})

describe('createKeyring', () => {
  it('refuses a secret key configured as the publishable key', () => {
    expect(() => createKeyring({ publishable: 'sk_test_0123456789abcdef', secret: 'sk_test_0123456789abcdeg' })).toThrow(
      /publishable key must start with 'pk_'/,
    )
  })
})
