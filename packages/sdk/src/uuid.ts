// UUIDv7 event ids: time-ordered, random enough to be unique across tabs, monotonic within a millisecond.

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0')

/**
 * A UUIDv7 generator. Ids made in the same millisecond count up in the 12-bit `rand_a` field
 * (RFC 9562 method 1), so they sort in creation order. Random bits come from a pooled `getRandomValues`.
 * @example const uuid = createUuid(Date.now); uuid() // '01932c4e-7a1b-7c3d-8e9f-…'
 */
export function createUuid(now: () => number): () => string {
  let last = -1
  let seq = 0
  const pool = new Uint32Array(64)
  let used = 64
  const random = () => {
    if (used === 64) crypto.getRandomValues(pool), (used = 0)
    return pool[used++]!
  }
  return () => {
    let ms = now()
    if (ms > last) seq = random() & 0x7ff
    else if (++seq > 0xfff) (ms = last + 1), (seq = 0)
    else ms = last
    last = ms
    const time = hex(ms, 12)
    const high = random()
    return `${time.slice(0, 8)}-${time.slice(8)}-${hex(0x7000 | seq, 4)}-${hex(0x8000 | (high & 0x3fff), 4)}-${hex(high >>> 16, 4)}${hex(random(), 8)}`
  }
}
