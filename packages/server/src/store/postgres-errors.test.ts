// Which PostgreSQL and driver codes mean an unavailable database (503) and which a retryable transaction.
import { describe, expect, it } from 'vitest'
import { isRetryable, isUnavailable } from './postgres-errors.ts'

describe('isUnavailable', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08001', 'cannot establish a connection'],
    ['08P01', 'protocol violation'],
    ['28000', 'login refused (no such role, pg_hba)'],
    ['28P01', 'wrong password'],
    ['3D000', 'no such database'],
    ['53000', 'insufficient resources'],
    ['53100', 'disk full'],
    ['53200', 'out of memory'],
    ['53300', 'too many connections'],
    ['55000', 'database does not allow connections'],
    ['57P01', 'admin shutdown'],
    ['57P02', 'crash shutdown'],
    ['57P03', 'cannot connect now'],
    ['57P04', 'database dropped'],
    ['57P05', 'idle session timeout'],
    ['ECONNREFUSED', 'nothing listens'],
    ['ECONNRESET', 'connection reset'],
    ['EPIPE', 'write to a closed socket'],
    ['ENETUNREACH', 'no route to the network'],
    ['ENOTFOUND', 'host name unknown'],
    ['CONNECT_TIMEOUT', 'the driver gave up connecting'],
    ['CONNECTION_CLOSED', 'the server closed the connection'],
    ['CONNECTION_ENDED', 'the pool was ended'],
  ])('counts %s (%s) as unavailable', (code) => {
    expect(isUnavailable(Object.assign(new Error('x'), { code }))).toBe(true)
  })

  it.each([
    ['22P02', 'invalid input, e.g. JSON PostgreSQL refuses'],
    ['23502', 'NOT NULL violation'],
    ['42P01', 'no such table (not migrated)'],
    ['42501', 'permission denied'],
    ['40P01', 'deadlock (retried, not unavailable)'],
    ['55P03', 'lock not available'],
    ['57014', 'statement cancelled'],
    ['XX000', 'internal error'],
    ['MAX_PARAMETERS_EXCEEDED', 'a driver error about the statement'],
  ])('does not count %s (%s) as unavailable', (code) => {
    expect(isUnavailable(Object.assign(new Error('x'), { code }))).toBe(false)
  })

  it('does not count errors without a code (a TypeError, a thrown string) as unavailable', () => {
    expect(isUnavailable(new TypeError('Do not know how to serialize a BigInt'))).toBe(false)
    expect(isUnavailable('boom')).toBe(false)
    expect(isUnavailable(null)).toBe(false)
  })
})

describe('isRetryable', () => {
  it('retries deadlocks and serialization failures only', () => {
    expect(['40P01', '40001', '08006', '22P02'].map((code) => isRetryable({ code }))).toEqual([true, true, false, false])
  })
})
