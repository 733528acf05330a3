// UUIDv7 event ids: time-ordered, random enough to be unique across tabs, monotonic within a millisecond.

/** `n` in exactly `digits` hex digits (n < 16 ** digits). */
const hex = (n: number, digits: number) => (n + 16 ** digits).toString(16).slice(1)

/**
 * A UUIDv7 generator. Ids made in the same millisecond count up in the 12-bit `rand_a` field
 * (RFC 9562 method 1), so they sort in creation order; the other 62 bits come from `getRandomValues`.
 * @example const uuid = createUuid(Date.now); uuid() // '01932c4e-7a1b-7c3d-8e9f-…'
 */
export function createUuid(now: () => number): () => string {
  let last = -1
  let seq = 0
  return () => {
    const [a, b, c] = crypto.getRandomValues(new Uint32Array(3)) as unknown as [number, number, number]
    let ms = now()
    if (ms > last) seq = a & 0x7ff
    else if (++seq > 0xfff) (ms = last + 1), (seq = 0)
    else ms = last
    last = ms
    // Time (48 bits), version 7 and sequence, variant 10 and 62 random bits.
    const time = hex(ms, 12)
    return `${time.slice(0, 8)}-${time.slice(8)}-${hex(0x7000 | seq, 4)}-${hex(0x8000 | (b & 0x3fff), 4)}-${hex(b >>> 16, 4)}${hex(c, 8)}`
  }
}
