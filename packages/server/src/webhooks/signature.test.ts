import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signPayload, verifySignature } from './signature.ts'

const body = '{"type":"upgrade_requested","account":{"id":"acme"}}'
const secret = 'whsec_test'
const sentAt = 1_767_225_600 // 2026-01-01T00:00:00Z
const now = sentAt * 1000 + 30_000

describe('webhook signatures', () => {
  it('signs "t.body" with HMAC-SHA256 in hex, Stripe style', () => {
    const expected = createHmac('sha256', secret).update(`${sentAt}.${body}`).digest('hex')
    expect(signPayload(body, secret, sentAt)).toBe(`t=${sentAt},v1=${expected}`)
  })

  it('verifies a signature made with the same secret within the tolerance', () => {
    expect(verifySignature(body, signPayload(body, secret, sentAt), secret, 300, now)).toBe(true)
  })

  it('verifies the raw body bytes as well as the text', () => {
    const header = signPayload(body, secret, sentAt)
    expect(verifySignature(new TextEncoder().encode(body), header, secret, 300, now)).toBe(true)
  })

  it('rejects a tampered body', () => {
    const header = signPayload(body, secret, sentAt)
    expect(verifySignature(body.replace('acme', 'evil'), header, secret, 300, now)).toBe(false)
  })

  it('rejects a signature made with another secret', () => {
    expect(verifySignature(body, signPayload(body, 'whsec_other', sentAt), secret, 300, now)).toBe(false)
  })

  it('rejects a stale timestamp, and one from too far in the future', () => {
    const header = signPayload(body, secret, sentAt)
    expect(verifySignature(body, header, secret, 300, sentAt * 1000 + 301_000)).toBe(false)
    expect(verifySignature(body, header, secret, 300, sentAt * 1000 - 301_000)).toBe(false)
  })

  it('rejects a replayed signature under a new timestamp', () => {
    const [, v1] = signPayload(body, secret, sentAt).split(',')
    expect(verifySignature(body, `t=${sentAt + 20},${v1}`, secret, 300, now)).toBe(false)
  })

  it('accepts any of several v1 signatures, so secrets can rotate', () => {
    const old = signPayload(body, 'whsec_old', sentAt).split(',')[1]
    const header = `${signPayload(body, secret, sentAt)},${old}`
    expect(verifySignature(body, header, 'whsec_old', 300, now)).toBe(true)
    expect(verifySignature(body, header, secret, 300, now)).toBe(true)
  })

  it.each([null, undefined, '', 'v1=abc', `t=${sentAt}`, `t=${sentAt},v1=zz`, 'garbage'])(
    'rejects a missing or malformed header: %j',
    (header) => {
      expect(verifySignature(body, header, secret, 300, now)).toBe(false)
    },
  )

  it('rejects everything when the secret is empty', () => {
    expect(verifySignature(body, signPayload(body, '', sentAt), '', 300, now)).toBe(false)
  })
})
