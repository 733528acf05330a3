// UUIDv7 ids: layout, uniqueness and order.
import { expect, it } from 'vitest'
import { createUuid } from './uuid.ts'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

it('makes RFC 9562 version-7 ids whose first 48 bits are the millisecond timestamp', () => {
  const id = createUuid(() => 0x0193_2c4e_7a1b)()
  expect(id).toMatch(UUID_V7)
  expect(id.slice(0, 13)).toBe('01932c4e-7a1b')
})

it('keeps ids made in the same millisecond (or a clock step back) in creation order', () => {
  let time = 1_767_603_600_000
  const uuid = createUuid(() => time)
  const ids = Array.from({ length: 5000 }, (_, i) => {
    if (i === 2500) time -= 5
    return uuid()
  })
  expect(new Set(ids).size).toBe(ids.length)
  expect([...ids].sort()).toEqual(ids)
  for (const id of ids) expect(id).toMatch(UUID_V7)
})
