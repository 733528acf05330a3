// UUIDv7 ids for the chaos loaders: 48-bit millisecond time, version 7, variant 10, random rest.
import { randomFillSync } from 'node:crypto'

/**
 * A fresh UUIDv7 (RFC 9562), as the SDK makes for every event.
 * @example uuidv7() // '019ab1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b'
 */
export function uuidv7(now = Date.now()): string {
  const bytes = randomFillSync(new Uint8Array(16))
  for (let i = 5, ms = now; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256
  bytes[6] = 0x70 | (bytes[6]! & 0x0f)
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  const hex = Buffer.from(bytes).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
