// UUIDv7 event ids: time-ordered, random enough to be unique across tabs, monotonic within a millisecond.

/**
 * A UUIDv7 generator. Ids made in the same millisecond count up in the 12-bit `rand_a` field
 * (RFC 9562 method 1), so they sort in creation order.
 * @example const uuid = createUuid(Date.now); uuid() // '01932c4e-7a1b-7c3d-8e9f-…'
 */
export function createUuid(now: () => number): () => string {
  let last = -1
  let seq = 0
  return () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16))
    let ms = now()
    if (ms > last) {
      seq = ((bytes[6]! & 7) << 8) | bytes[7]!
    } else if (++seq > 0xfff) {
      ms = last + 1
      seq = 0
    } else {
      ms = last
    }
    last = ms
    for (let i = 5; i >= 0; i--, ms = Math.floor(ms / 256)) bytes[i] = ms % 256
    bytes[6] = 0x70 | (seq >> 8)
    bytes[7] = seq & 0xff
    bytes[8] = 0x80 | (bytes[8]! & 0x3f)
    const hex = Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}
