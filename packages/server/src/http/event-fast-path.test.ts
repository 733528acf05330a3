// The fast path accepts only events eventSchema accepts, and then returns what eventSchema returns.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseEventFast } from './event-fast-path.ts'
import { eventSchema } from './schemas.ts'

const ID = '0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b'
const valid = { id: ID, type: 'impression', ts: 1_760_000_000_000, account: 'a', user: 'u', trigger: 't', variant: 'b', placement: 'banner' }
const common = { id: ID, ts: 1_760_000_000_000, account: 'a', user: 'u' }
/** A valid event of each shape: each type needs other fields. */
const VALID = [
  valid,
  { ...common, type: 'holdout', trigger: 't', variant: 'holdout' },
  { ...common, type: 'eligible', trigger: 't' },
  { ...common, type: 'track', event: 'report_viewed' },
  { ...common, type: 'usage', metric: 'contacts', value: 812 },
  { ...common, type: 'gate_hit', feature: 'sso' },
]

/** Values that sit on the edges of each rule: types, lengths, whitespace, enums, numbers. */
const edgy = fc.oneof(
  fc.constantFrom(undefined, null, '', ' ', ' x ', 'x'.repeat(200), ` ${'x'.repeat(200)} `, 'x'.repeat(201), '\u00a0y\u2003',
    ID, ID.toUpperCase(), ID.replace('-7', '-4'), 'impression', 'holdout', ' holdout', 'eligible', 'track', 'usage', 'gate_hit', 'banner', 'popup',
    'a\u0000b', '\u0000', ' \ud800 ', 'x\udfff', '\ud83d\ude00', 'acct_\ud83d\ude00',
    0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, 8.64e15, 8.64e15 + 1, 1e20, 1_760_000_000_000, true, [], {}, { plan: 'pro' }),
  fc.string({ maxLength: 6 }),
  fc.double(),
)
const fields = ['id', 'type', 'ts', 'account', 'user', 'trigger', 'variant', 'placement', 'metric', 'value', 'feature', 'event', 'props', 'extra'] as const
/** A few fields of a valid event changed to values valid events hold, or removed: wrong mostly for the type. */
const fewChanges = fc
  .array(fc.tuple(fc.constantFrom(...fields), fc.constantFrom(undefined, 'holdout', ...new Set(VALID.flatMap((event) => Object.values(event))))), { maxLength: 3 })
  .map((changes) => Object.fromEntries(changes))
/** Any fields set to edge values, or a few changed to plausible ones. */
const anyChanges = fc.oneof(fc.record(Object.fromEntries(fields.map((f) => [f, edgy])), { requiredKeys: [] }), fewChanges)

describe('parseEventFast', () => {
  it('returns the same event as eventSchema for a typical valid event, unknown keys dropped and names trimmed', () => {
    const raw = { ...valid, account: '  acct_1 ', sdk: '1.2.3' }
    expect(parseEventFast(raw)).toEqual(eventSchema.parse(raw))
  })

  it('leaves events with props and every invalid event to eventSchema', () => {
    expect(parseEventFast({ ...valid, props: { plan: 'pro' } })).toBeUndefined()
    expect(parseEventFast({ ...valid, trigger: undefined })).toBeUndefined()
    expect(parseEventFast({ ...valid, ts: -1 })).toBeUndefined()
    expect(parseEventFast([valid])).toBeUndefined()
  })

  it('leaves names holding a NUL or an unpaired surrogate to eventSchema, which rejects them', () => {
    for (const field of ['account', 'user', 'trigger', 'variant', 'metric', 'feature', 'event']) {
      for (const text of ['a\u0000b', 'a\ud800', '\udc00b']) {
        const raw = { ...valid, [field]: text }
        expect(parseEventFast(raw), `${field} ${JSON.stringify(text)}`).toBeUndefined()
        expect(eventSchema.safeParse(raw).error?.issues).toEqual([expect.objectContaining({ path: [field], message: expect.stringMatching(new RegExp(`^${field} contains`)) })])
      }
    }
  })

  it('leaves events missing a field their type needs, or whose variant contradicts their type, to eventSchema, which rejects them', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...VALID[3], event: undefined }, 'event'],
      [{ ...VALID[4], metric: undefined }, 'metric'],
      [{ ...VALID[4], value: undefined }, 'value'],
      [{ ...VALID[5], feature: undefined }, 'feature'],
      [{ ...valid, variant: ' holdout ' }, 'variant'],
      [{ ...VALID[1], variant: 'b' }, 'variant'],
    ]
    for (const [raw, field] of cases) {
      expect(parseEventFast(raw), JSON.stringify(raw)).toBeUndefined()
      expect(eventSchema.safeParse(raw).error?.issues, JSON.stringify(raw)).toEqual([expect.objectContaining({ code: 'custom', path: [field] })])
    }
    for (const raw of VALID) expect(parseEventFast(raw), raw.type).toEqual(eventSchema.parse(raw))
  })

  it('accepts astral characters, which are well-formed surrogate pairs', () => {
    const raw = { ...valid, account: 'acct_\ud83d\ude00', user: '😀' }
    expect(parseEventFast(raw)).toEqual(eventSchema.parse(raw))
  })

  it('never accepts what eventSchema rejects, and agrees with its output whenever it accepts (property)', () => {
    fc.assert(
      fc.property(anyChanges, fc.option(fc.constantFrom(...VALID)), (overrides, base) => {
        const raw = base ? { ...base, ...overrides } : overrides
        const fast = parseEventFast(raw)
        if (fast === undefined) return
        const slow = eventSchema.safeParse(raw)
        expect(slow.success).toBe(true)
        expect(fast).toEqual(slow.data)
      }),
      { numRuns: 3000 },
    )
  })
})
