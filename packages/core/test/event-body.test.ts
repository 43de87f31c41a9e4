import { randomUUID } from 'node:crypto';
import { type EventBody, encodeEventBody } from '@hookdesk/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyFor, createEventTemplate, type SharedEventBody } from '../src/event-body.js';

const unicode = fc.string({ unit: 'binary' });
const ticket = fc.dictionary(unicode, fc.jsonValue({ stringUnit: 'binary' }));
const createdAt = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString());

const shared: fc.Arbitrary<SharedEventBody> = fc.oneof(
  fc.record({ event: fc.constant('ticket.created' as const), created_at: createdAt, ticket }),
  fc.record({
    event: fc.constant('ticket.updated' as const),
    created_at: createdAt,
    ticket,
    changes: fc.dictionary(unicode, fc.record({ old: fc.jsonValue(), new: fc.jsonValue() })),
  }),
  fc.record({ event: fc.constant('ticket.updated' as const), created_at: createdAt, ticket }),
  fc.record({
    event: fc.constant('smart_rule.triggered' as const),
    created_at: createdAt,
    ticket,
    smart_rule: fc.record({ id: unicode, name: unicode }),
  }),
  fc.record({
    event: fc.constant('webhook.test' as const),
    created_at: createdAt,
    webhook: fc.record({ id: unicode, name: fc.option(unicode, { nil: null }) }),
  }),
);

describe('event template', () => {
  it('splices to exactly the bytes encodeEventBody gives, for full-Unicode bodies', () => {
    fc.assert(
      fc.property(shared, fc.uuid(), (body, uuid) => {
        const template = createEventTemplate(body);
        const spliced = Buffer.from(bodyFor(template, uuid), 'utf8');
        const encoded = encodeEventBody({ uuid, ...body } as EventBody);
        expect(spliced.equals(encoded)).toBe(true);
        expect(template.byteLength).toBe(encoded.length);
      }),
      { numRuns: 500 },
    );
  });

  it('matches the docs/wire.md worked example byte for byte', () => {
    const template = createEventTemplate({
      event: 'ticket.updated',
      created_at: '2026-11-28T08:30:00.000Z',
      ticket: { id: 42, subject: 'Printer on fire ☃', status: 'closed', priority: 'urgent' },
      changes: { status: { old: 'open', new: 'closed' } },
    });
    const body = bodyFor(template, '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d');
    expect(body).toBe(
      '{"uuid":"3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d","event":"ticket.updated","created_at":"2026-11-28T08:30:00.000Z","ticket":{"id":42,"subject":"Printer on fire ☃","status":"closed","priority":"urgent"},"changes":{"status":{"old":"open","new":"closed"}}}',
    );
    expect(template.byteLength).toBe(252);
  });

  it('refuses a uuid that would need escaping', () => {
    const template = createEventTemplate({
      event: 'ticket.created',
      created_at: '2026-01-01T00:00:00.000Z',
      ticket: {},
    });
    expect(() => bodyFor(template, `${randomUUID().slice(0, 35)}"`)).toThrow(/`uuid`/);
  });
});
