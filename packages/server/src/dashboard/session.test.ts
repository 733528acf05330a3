import { describe, expect, it } from 'vitest'
import { createSessions, SESSION_TTL_MS } from './session.ts'

const key = 'sk_test_0123456789abcdef'
const now = Date.UTC(2026, 0, 1)

describe('createSessions', () => {
  it('accepts the secret key and nothing else', () => {
    const sessions = createSessions(key)
    expect(sessions.checkKey(key)).toBe(true)
    expect(sessions.checkKey(key.slice(0, -1))).toBe(false)
    expect(sessions.checkKey('')).toBe(false)
  })

  it('verifies a cookie it issued until it expires', () => {
    const sessions = createSessions(key)
    const cookie = sessions.issue(now)
    expect(sessions.verify(cookie, now + SESSION_TTL_MS - 1)).toBe(true)
    expect(sessions.verify(cookie, now + SESSION_TTL_MS)).toBe(false)
  })

  it('rejects a cookie whose expiry was pushed out', () => {
    const sessions = createSessions(key)
    const [, signature] = sessions.issue(now).split('.')
    expect(sessions.verify(`${now + 10 * SESSION_TTL_MS}.${signature}`, now)).toBe(false)
  })

  it('never puts the secret key in the cookie and ends sessions when the key rotates', () => {
    const cookie = createSessions(key).issue(now)
    expect(cookie).not.toContain(key)
    expect(createSessions('sk_test_fedcba9876543210').verify(cookie, now)).toBe(false)
  })

  it('accepts any of several secret keys and sessions signed under the first', () => {
    const sessions = createSessions(['sk_new_0123456789abcdef', key])
    expect(sessions.checkKey(key)).toBe(true)
    expect(createSessions(key).verify(sessions.issue(now), now)).toBe(false)
    expect(sessions.verify(createSessions(key).issue(now), now)).toBe(true)
  })

  it.each([undefined, '', 'garbage', '123.abc', `${now}.${'0'.repeat(64)}`])('rejects a malformed cookie: %j', (value) => {
    expect(createSessions(key).verify(value, now)).toBe(false)
  })

  it('refuses to start without a secret key', () => {
    expect(() => createSessions('')).toThrow(/no secret key given/)
    expect(() => createSessions([])).toThrow(/no secret key given/)
  })
})
