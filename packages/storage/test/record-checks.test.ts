import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passesQuickCheck } from '../src/record-checks.js';
import { attemptSchema, deliverySchema, deliveryStatusSchema, queuePointerSchema } from '../src/schemas.js';

const attempt = {
  number: 1,
  at: '2026-01-01T00:00:00.000Z',
  durationMs: 12,
  statusCode: 200,
  responseExcerpt: 'ok',
  error: null,
  blocked: false,
};

const delivery = {
  uuid: '0b3f0d0e-8f4e-4d7a-9c1e-3f2b1a0c9d8e',
  event: 'ticket.created',
  webhookId: 'w1',
  ruleId: null,
  url: 'https://example.com/hook',
  status: 'pending',
  body: '{"uuid":"0b3f0d0e-8f4e-4d7a-9c1e-3f2b1a0c9d8e"}',
  headers: { 'x-hookdesk-attempt': '1' },
  signature: 'sha1=00',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastAttemptAt: null,
  nextAttemptAt: '2026-01-01T00:00:00.000Z',
  lastStatusCode: null,
  attemptCount: 1,
  attempts: [attempt],
  fieldOfANewerVersion: { kept: true },
};

// An entry that could not be sent: failed with a reason and no attempt, its body cut.
const unsent = {
  ...delivery,
  status: 'failed',
  attemptCount: 0,
  attempts: [],
  error: 'The ticket.created body would be 300000 bytes, over the 262144-byte limit.',
  bodyTooLarge: { bytes: 300_000, limit: 262_144 },
};

const pointer = { uuid: 'abc', dueAt: 1_700_000_000_000 };

// Odd values for any field: wrong types, edge numbers, bad times, nested junk.
const junk = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    'not a time',
    ' ',
    'a b',
    '\u0000',
    -1,
    0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    true,
    [],
    {},
    [attempt],
    [{ ...attempt, number: 0 }],
    [{ ...attempt, at: 'yesterday' }],
    { a: 1 },
    { a: 'b' },
    'ticket.created',
    'failed',
    '2026-01-01T00:00:00.000Z',
  ),
  fc.anything(),
);

function mutations(base: Record<string, unknown>) {
  return fc
    .record({
      field: fc.constantFrom(...Object.keys(base), 'extra'),
      value: junk,
      drop: fc.boolean(),
    })
    .map(({ field, value, drop }) => {
      const copy: Record<string, unknown> = { ...base };
      if (drop) delete copy[field];
      else copy[field] = value;
      return copy;
    });
}

describe('quick checks', () => {
  it('pass the valid hot-path records', () => {
    expect(passesQuickCheck(deliverySchema, delivery)).toBe(true);
    expect(
      passesQuickCheck(deliverySchema, { ...delivery, attempts: [], webhookId: null, ruleId: 'r' }),
    ).toBe(true);
    expect(passesQuickCheck(deliverySchema, unsent)).toBe(true);
    expect(passesQuickCheck(attemptSchema, attempt)).toBe(true);
    expect(passesQuickCheck(deliveryStatusSchema, 'succeeded')).toBe(true);
    expect(passesQuickCheck(queuePointerSchema, pointer)).toBe(true);
  });

  it('leave every other schema to zod', () => {
    expect(passesQuickCheck(deliverySchema.partial(), {})).toBe(false);
  });

  it('never accept what the schema refuses (a corrupt value still reaches zod and its error)', () => {
    for (const [schema, base] of [
      [deliverySchema, delivery],
      [attemptSchema, attempt],
      [queuePointerSchema, pointer],
      [deliverySchema, { ...delivery, attempts: [attempt, attempt] }],
      [deliverySchema, unsent],
    ] as const) {
      fc.assert(
        fc.property(mutations(base), (value) => {
          if (passesQuickCheck(schema, value)) expect(schema.safeParse(value).success).toBe(true);
        }),
        { numRuns: 2_000 },
      );
    }
    fc.assert(
      fc.property(mutations({ attempts: [attempt] }), ({ attempts }) => {
        const value = { ...delivery, attempts: [attempts] };
        if (passesQuickCheck(deliverySchema, value))
          expect(deliverySchema.safeParse(value).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(junk, (value) => {
        for (const schema of [deliverySchema, attemptSchema, deliveryStatusSchema, queuePointerSchema]) {
          if (passesQuickCheck(schema, value)) expect(schema.safeParse(value).success).toBe(true);
        }
      }),
    );
  });

  it('refuse the usual corruptions', () => {
    expect(passesQuickCheck(deliverySchema, { ...delivery, body: 42 })).toBe(false);
    expect(passesQuickCheck(deliverySchema, { ...delivery, createdAt: 'soon' })).toBe(false);
    expect(
      passesQuickCheck(deliverySchema, { ...delivery, attempts: [{ ...attempt, durationMs: -1 }] }),
    ).toBe(false);
    expect(passesQuickCheck(deliverySchema, { ...delivery, headers: { a: 1 } })).toBe(false);
    expect(passesQuickCheck(deliverySchema, { ...unsent, error: null })).toBe(false);
    expect(passesQuickCheck(deliverySchema, { ...unsent, bodyTooLarge: { bytes: 1.5, limit: 1 } })).toBe(
      false,
    );
    expect(passesQuickCheck(queuePointerSchema, { uuid: 'a b', dueAt: 1 })).toBe(false);
    expect(passesQuickCheck(queuePointerSchema, { uuid: 'a', dueAt: 1.5 })).toBe(false);
  });
});
