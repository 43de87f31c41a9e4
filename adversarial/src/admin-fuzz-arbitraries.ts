import fc from 'fast-check';

// The inputs admin-fuzz.attack.ts throws at the admin API: text of every awkward kind, and the
// request shapes of each write route built from it (well-formed fields mixed with anything at all).

export const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // UTF-16 code units one by one: lone surrogates, NUL, CR and LF included.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.integer({ min: 150, max: 4000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('', ' ', '\r\n', '\u0000', 'é€', '..', '%', '%2F', 'generate', '__proto__', 'constructor'),
);
export const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);
const url = fc.oneof(
  fc.webUrl(),
  text,
  fc.constant('http://127.0.0.1:9/x'),
  fc.integer({ min: 2000, max: 100_000 }).map((n) => `https://example.com/${'a'.repeat(n)}`),
);
const headers = fc.oneof(
  fc.dictionary(text, text, { maxKeys: 5 }),
  fc
    .integer({ min: 1, max: 600 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v'.repeat(1000)]))),
  json,
);
export const webhookBody = fc.record(
  {
    url,
    events: fc.oneof(fc.subarray(['ticket.created', 'ticket.updated', 'ticket.deleted']), json),
    active: fc.oneof(fc.boolean(), json),
    name: json,
    description: json,
    headers,
    key: fc.oneof(fc.constantFrom('generate', null, 5, `whsec_${'A'.repeat(44)}`), json),
  },
  { requiredKeys: [] },
);
const filter = fc.record(
  {
    status: fc.oneof(fc.constantFrom('pending', 'succeeded', 'failed'), json),
    webhookId: json,
    ruleId: json,
    event: json,
    since: json,
    until: json,
  },
  { requiredKeys: [] },
);
export const resendBody = fc.oneof(
  fc.record(
    { ids: fc.oneof(fc.array(fc.oneof(fc.uuid(), text), { maxLength: 5 }), json) },
    { requiredKeys: [] },
  ),
  fc.integer({ min: 999, max: 1002 }).map((n) => ({ ids: Array.from({ length: n }, (_, i) => `id-${i}`) })),
  fc.record({ filter: fc.oneof(filter, json) }),
  fc.record({ ids: fc.array(text, { maxLength: 2 }), filter }),
  json,
);
export const ruleBody = fc.record(
  {
    name: json,
    description: json,
    active: json,
    categories: fc.oneof(fc.array(text, { maxLength: 3 }), json),
    workSchedule: fc.oneof(fc.constant(null), json),
    conditions: fc.oneof(
      fc.record({ all: fc.array(fc.record({ field: text, op: text, value: json }), { maxLength: 3 }) }),
      json,
    ),
    action: fc.oneof(fc.record({ type: fc.constant('trigger_webhook'), url }), json),
  },
  { requiredKeys: [] },
);
export const rawBody = fc.oneof(
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 1000, max: 6000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

/** The query names of `GET /api/logs`, and one it does not know. */
export const logQueryName = fc.constantFrom(
  'status',
  'webhookId',
  'ruleId',
  'event',
  'since',
  'until',
  'limit',
  'cursor',
  'colour',
);

/** Log cursors: any text encoded, and forged ones of the right form (a version tag, a sort key, an id). */
export const forgedCursor = fc.oneof(
  text.map((value) => Buffer.from(value, 'utf8').toString('base64url')),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 13n - 1n }), text)
    .map(([ms, id]) =>
      Buffer.from(`v1:${ms.toString().padStart(13, '0')}:${id}`, 'utf8').toString('base64url'),
    ),
);

/**
 * `encodeURIComponent` for any string, lone surrogates too (as UTF-8's replacement character).
 * Unreserved characters stay as they are, so the longest request stays under Node's 16 KiB header
 * limit (over it Node itself answers 431, before any adapter runs).
 */
export function pct(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) && byte < 0x80
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}
