// fast-check arbitraries of hostile HTTP requests: every endpoint, odd methods, paths, headers, queries and bodies.
import fc from 'fast-check'
import { uuidv7 } from '../uuid.ts'

export interface Credentials {
  publishable: string
  secret: string
  /** An origin the server's CORS allows. */
  allowedOrigin: string
}

/** One generated request, kept as data so a failure can print it. */
export interface RequestCase {
  method: string
  /** Path and query string. */
  target: string
  headers: [string, string][]
  body?: string | Uint8Array<ArrayBuffer>
}

/** Every route with its method; `POST /v1/events` is listed thrice, it takes the most varied input. */
const ROUTES: readonly [string, string][] = [
  ['GET', '/v1/rules'],
  ['GET', '/v1/state'],
  ['POST', '/v1/events'],
  ['POST', '/v1/events'],
  ['POST', '/v1/events'],
  ['POST', '/v1/conversions'],
  ['GET', '/v1/stats'],
  ['GET', '/v1/stats.csv'],
  ['GET', '/v1/forecast'],
  ['GET', '/v1/openapi.json'],
  ['GET', '/dashboard'],
  ['GET', '/dashboard/stats.csv'],
  ['GET', '/dashboard/app.css'],
  ['POST', '/dashboard/login'],
  ['POST', '/dashboard/logout'],
  ['GET', '/healthz'],
  ['OPTIONS', '/v1/events'],
  ['OPTIONS', '/v1/rules'],
]

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '"; DROP TABLE events; --',
  "1); DELETE FROM conversions; --",
  '%00',
  '\u0000',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '__proto__',
  'constructor',
  'prototype',
  '🦄'.repeat(50),
  'x'.repeat(5000),
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e400',
  '9999-99-99',
  '2026-02-30',
  '0000-00-00',
]

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }))

/** A value of any JSON type, with the numbers and keys that break naive code. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 53, 2 ** 64, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE, 1e308, true, false, null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}') as unknown),
  fc.array(fc.integer(), { maxLength: 3 }),
)

const validEvent = (credentials: Credentials) =>
  fc.record({
    id: fc.constant(null).map(() => uuidv7()),
    type: fc.constantFrom('impression', 'click', 'dismiss', 'snooze', 'upgrade_requested', 'holdout', 'eligible', 'gate_hit', 'usage', 'track'),
    // The last Date JavaScript holds is 8.64e15 ms; safe integers go on to 2^53 − 1 (a ts between answered 500 once).
    ts: fc.oneof(fc.integer({ min: -20 * 86_400_000, max: 3_600_000 }).map((offset) => Date.now() + offset), fc.integer({ min: 0, max: 2 ** 52 }),
      fc.constantFrom(8.64e15, 8.64e15 + 1, 9e15, Number.MAX_SAFE_INTEGER)),
    account: fc.constantFrom('acct_1', 'acct_2', credentials.publishable),
    user: fc.constantFrom('user_1', 'user_2'),
    trigger: fc.constantFrom('contacts-80', 'segmentation-gate', 'nope'),
    variant: fc.constantFrom('default', 'a', 'holdout'),
    placement: fc.constantFrom('banner', 'modal', 'toast', 'inline'),
    metric: fc.constantFrom('contacts', 'seats'),
    value: fc.double(),
    event: fc.constantFrom('report_viewed', 'x'),
  })

/** An event with some fields replaced, removed, or joined by dangerous keys. */
const mutatedEvent = (credentials: Credentials): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      validEvent(credentials),
      fc.array(fc.tuple(fc.constantFrom('id', 'type', 'ts', 'account', 'user', 'trigger', 'variant', 'placement', 'metric', 'value', 'feature', 'props', 'event'), fc.option(hostileValue)), { maxLength: 3 }),
      fc.constantFrom('', '', '', '', '__proto__', 'constructor', 'props-proto'),
    )
    .map(([event, edits, pollution]) => {
      const out: Record<string, unknown> = { ...event }
      for (const [key, value] of edits) {
        if (value === null) delete out[key]
        else out[key] = value
      }
      const json = JSON.stringify(out)
      if (pollution === '__proto__') return json.replace(/^\{/, '{"__proto__":{"polluted":true},')
      if (pollution === 'constructor') return json.replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},')
      if (pollution === 'props-proto') return json.replace(/^\{/, '{"props":{"__proto__":{"polluted":true}},')
      return json
    })

/** JSON bodies: event batches (mostly mutated), conversions, random values, pollution, depth and size attacks. */
const jsonBody = (credentials: Credentials): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.array(mutatedEvent(credentials), { minLength: 0, maxLength: 8 }),
          fc.option(fc.constantFrom(credentials.publishable, credentials.secret, 'pk_unknown_key_123456'), { freq: 3 }),
          fc.option(fc.oneof(fc.nat(), hostileValue), { freq: 4 }),
        )
        .map(([events, key, dropped]) => {
          const extra = `${key === null ? '' : `,"key":${JSON.stringify(key)}`}${dropped === null ? '' : `,"dropped":${JSON.stringify(dropped) ?? 'null'}`}`
          return `{"events":[${events.join(',')}]${extra}}`
        }),
    },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            id: fc.oneof(fc.constant(null).map(() => `evt_${uuidv7()}`), hostileValue),
            account: fc.oneof(fc.constantFrom('acct_1', 'acct_2'), hostileValue),
            to: fc.oneof(fc.constantFrom('pro', 'business', 'analytics', 'free'), hostileValue),
            from: hostileValue,
            mrr_delta: fc.oneof(fc.double(), hostileValue),
            ts: fc.oneof(fc.integer(), fc.constantFrom('2026-11-23T10:00:00Z', 'yesterday', 8.64e15 + 1, 9e15, Number.MAX_SAFE_INTEGER), hostileValue),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"polluted":true},"events":[]}',
        '{"constructor":{"prototype":{"polluted":true}}}',
        '{"events":{"length":1e9}}',
        '{"events":[null]}',
        '{"events":"not a list"}',
        `{"events":[${Array.from({ length: 501 }, () => '{}').join(',')}]}`,
        '{"events":[{"ts":1e400}]}',
        '{"events":[{"value":123456789012345678901234567890123456789}]}',
        '{"mrr_delta":1e400,"id":"x","account":"a","to":"pro"}',
        '{"events":[' + '['.repeat(20_000) + ']'.repeat(20_000) + ']}',
        '{"a":' + '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_001),
        `{"events":[{"props":{"big":"${'x'.repeat(20_000)}"}}]}`,
        `{"events":[{"props":{"big":"${'x'.repeat(600_000)}"}}]}`,
        '{"events":[]',
        '{"events":[1,2,3,]}',
        '\uFEFF{"events":[]}',
        'null',
        '[]',
        '""',
        '0',
      ),
    },
  )

/** Bodies that are not JSON at all. */
const otherBody: fc.Arbitrary<string | Uint8Array<ArrayBuffer>> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => new Uint8Array(bytes)),
  fc.constantFrom('events=1&key=pk', '--x\r\nContent-Disposition: form-data; name="events"\r\n\r\n[]\r\n--x--', '<xml/>', ''),
)

/** Mostly a valid key (so requests get past authentication), otherwise every way a key can be wrong. */
const authorization = (credentials: Credentials) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(`Bearer ${credentials.publishable}`) },
    { weight: 2, arbitrary: fc.constant(`Bearer ${credentials.secret}`) },
    { weight: 1, arbitrary: fc.constant(null) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constantFrom(
          `bearer   ${credentials.publishable}  `,
          `Basic ${Buffer.from(`${credentials.secret}:`).toString('base64')}`,
          'Bearer ',
          'Bearer pk_unknown_key_1234567890',
          'Bearer sk_unknown_key_1234567890',
          `Bearer ${credentials.publishable} ${credentials.secret}`,
          `Bearer ${credentials.secret.slice(0, -1)}`,
          'Bearer ' + 'k'.repeat(8000),
        ),
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
      ),
    },
  )

const contentType = fc.option(
  fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'text/plain;charset=UTF-8',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    'application/xml',
    'application/json; charset=latin1',
    'garbage',
  ),
)

const origin = (credentials: Credentials) =>
  fc.option(fc.constantFrom(credentials.allowedOrigin, 'https://evil.example', 'null', 'http://127.0.0.1:1', `${credentials.allowedOrigin}.evil.example`))

const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('account', 'from', 'to', 'trigger', 'format', 'key', 'variant', '__proto__', 'account[]'),
      fc.oneof(hostileString.map(encodeURIComponent), fc.constantFrom('%zz', '%', '%E0%A4%A', '2026-01-01', '2026-11-23', 'acct_1')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''))

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'X-NUDGE']

const ODD_PATHS = [
  '/v1/events/',
  '/v1//events',
  '/V1/EVENTS',
  '/v1/events%00',
  '/v1/%2e%2e/dashboard',
  '/dashboard/../v1/stats',
  '/dashboard/login/',
  '/v1/stats.json',
  '/',
  '/v2/events',
  '/favicon.ico',
  '/' + 'a'.repeat(3000),
]

/** Mostly a real route with its method; sometimes any method on any path. */
const route: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ROUTES) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...ROUTES.map(([, path]) => path), ...ODD_PATHS)) },
)

/** Login forms: the secret key, the publishable key, junk, and the same as JSON. */
const loginBody = (credentials: Credentials): fc.Arbitrary<string> =>
  fc
    .oneof(fc.constantFrom(credentials.secret, credentials.publishable, '', credentials.secret + 'x'), hostileString)
    .chain((key) => fc.constantFrom(`key=${encodeURIComponent(key)}`, `key=${encodeURIComponent(key)}&key=x`, JSON.stringify({ key })))

/**
 * Generated requests against every endpoint. Header values stay within what `Headers` accepts; everything
 * else (methods, paths, queries, bodies) is fair game.
 * @example fc.sample(requestCases({ publishable, secret, allowedOrigin }), 5)
 */
export function requestCases(credentials: Credentials): fc.Arbitrary<RequestCase> {
  return fc
    .record({
      route,
      query,
      authorization: authorization(credentials),
      contentType,
      origin: origin(credentials),
      extra: fc.array(
        fc.tuple(
          fc.constantFrom('if-none-match', 'cookie', 'x-forwarded-for', 'accept', 'access-control-request-method', 'access-control-request-headers', 'accept-encoding', 'sec-fetch-site', 'referer'),
          fc.oneof(fc.constantFrom('*', '"abc"', 'W/"x"', 'nudgekit_session=1.ab', 'nudgekit_session=9999999999999.' + '0'.repeat(64), '1.1.1.1, 2.2.2.2', 'gzip', 'POST', 'authorization, content-type', 'cross-site', 'https://evil.example/'), hostileString.map((s) => s.replace(/[^\x20-\x7e]/g, ''))),
        ),
        { maxLength: 3 },
      ),
      json: jsonBody(credentials),
      login: loginBody(credentials),
      other: otherBody,
      bodyKind: fc.constantFrom('fitting', 'fitting', 'fitting', 'other', 'none'),
    })
    .map(({ route: [method, path], query, authorization, contentType, origin, extra, json, login, other, bodyKind }) => {
      const headers: [string, string][] = [...extra]
      if (authorization !== null) headers.push(['authorization', authorization])
      if (contentType !== null) headers.push(['content-type', contentType])
      if (origin !== null) headers.push(['origin', origin])
      const fitting = path.startsWith('/dashboard/login') ? login : json
      const body = bodyKind === 'fitting' ? fitting : bodyKind === 'other' ? other : undefined
      const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD'
      return { method, target: path + query, headers, ...(withBody ? { body } : {}) }
    })
}

/** The `Request` for a case, against `base` (e.g. `http://127.0.0.1`). */
export function toRequest(input: RequestCase, base: string): Request {
  return new Request(base + input.target, {
    method: input.method,
    headers: input.headers,
    ...(input.body === undefined ? {} : { body: input.body }),
  })
}

/** A short printable form of a case for failure reports. */
export function describeCase(input: RequestCase): string {
  const body = input.body === undefined ? '' : typeof input.body === 'string' ? input.body : `<${input.body.length} bytes>`
  const shown = body.length > 200 ? body.slice(0, 200) + `… (${body.length} chars)` : body
  return `${input.method} ${input.target.slice(0, 200)} ${JSON.stringify(Object.fromEntries(input.headers))} ${JSON.stringify(shown)}`
}
