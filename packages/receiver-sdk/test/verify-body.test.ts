import { describe, expect, it } from 'vitest';
import { createSignedRequest, type HookdeskEvent, verify } from '../src/index.js';
import { ticketCreated, WIRE_KEY } from './fixtures.js';
import { verificationError } from './verify-fixtures.js';

// What `verify` checks of a validly signed body: JSON, the uuid and event, every field docs/wire.md
// gives the event, and the attempt header.
describe('verify: refusals', () => {
  it.each([
    ['not JSON', '{"uuid":', /is not JSON/],
    ['an array', '[1,2]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    ['without uuid', '{"event":"ticket.created"}', /no string `uuid`/],
    ['with a numeric uuid', '{"uuid":5,"event":"ticket.created"}', /no string `uuid`/],
    [
      'with an unknown event',
      '{"uuid":"u","event":"ticket.deleted"}',
      /"ticket.deleted" is not a Hookdesk event/,
    ],
  ])('malformed_body (400) for a validly signed body %s', (_name, text, message) => {
    const { body: b, headers } = createSignedRequest(Buffer.from(text), WIRE_KEY);
    const error = verificationError(() => verify(b, headers, WIRE_KEY));
    expect(error.code).toBe('malformed_body');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
  });

  const AT = '"created_at":"2026-11-28T08:30:00.000Z"';
  it.each([
    [
      '"ticket": null',
      `{"uuid":"u","event":"ticket.created",${AT},"ticket":null}`,
      'ticket.created',
      '`ticket` is null, not the ticket object',
    ],
    ['no ticket', `{"uuid":"u","event":"ticket.updated",${AT}}`, 'ticket.updated', '`ticket` is missing'],
    [
      'an array ticket',
      `{"uuid":"u","event":"smart_rule.triggered",${AT},"ticket":[],"smart_rule":{"id":"r","name":"n"}}`,
      'smart_rule.triggered',
      '`ticket` is an array',
    ],
    [
      'no created_at',
      '{"uuid":"u","event":"ticket.created","ticket":{}}',
      'ticket.created',
      '`created_at` is missing, not an ISO 8601 time string',
    ],
    [
      'a numeric created_at',
      '{"uuid":"u","event":"ticket.created","created_at":5,"ticket":{}}',
      'ticket.created',
      '`created_at` is a number',
    ],
    [
      '"changes": null',
      `{"uuid":"u","event":"ticket.updated",${AT},"ticket":{},"changes":null}`,
      'ticket.updated',
      '`changes` is null, not an object of `{ old, new }`',
    ],
    [
      'a change that is not { old, new }',
      `{"uuid":"u","event":"ticket.updated",${AT},"ticket":{},"changes":{"status":"closed"}}`,
      'ticket.updated',
      '`changes["status"]` is a string, not `{ old, new }`',
    ],
    [
      'no smart_rule',
      `{"uuid":"u","event":"smart_rule.triggered",${AT},"ticket":{}}`,
      'smart_rule.triggered',
      '`smart_rule` is missing',
    ],
    [
      'a numeric smart_rule.id',
      `{"uuid":"u","event":"smart_rule.triggered",${AT},"ticket":{},"smart_rule":{"id":1,"name":"n"}}`,
      'smart_rule.triggered',
      '`smart_rule.id` is a number, not a string',
    ],
    [
      '"webhook": null',
      `{"uuid":"u","event":"webhook.test",${AT},"webhook":null}`,
      'webhook.test',
      '`webhook` is null, not an object with `id` and `name`',
    ],
    [
      'a numeric webhook.name',
      `{"uuid":"u","event":"webhook.test",${AT},"webhook":{"id":"w","name":2}}`,
      'webhook.test',
      '`webhook.name` is a number, not a string or null',
    ],
  ])(
    'malformed_body (400) naming the field for a validly signed body with %s',
    (_name, text, event, problem) => {
      const { body: b, headers } = createSignedRequest(Buffer.from(text), WIRE_KEY);
      const error = verificationError(() => verify(b, headers, WIRE_KEY));
      expect(error.code).toBe('malformed_body');
      expect(error.status).toBe(400);
      expect(error.message).toContain(`The signed ${event} body's ${problem}`);
      expect(error.message).toContain('(docs/wire.md, "Body")');
    },
  );

  it('accepts every shape docs/wire.md allows', () => {
    for (const text of [
      `{"uuid":"u","event":"ticket.created",${AT},"ticket":{}}`,
      `{"uuid":"u","event":"ticket.updated",${AT},"ticket":{"id":1},"changes":{"a":{"old":null,"new":1}}}`,
      `{"uuid":"u","event":"ticket.updated",${AT},"ticket":{"id":1}}`,
      `{"uuid":"u","event":"smart_rule.triggered",${AT},"ticket":{},"smart_rule":{"id":"r","name":"n"}}`,
      `{"uuid":"u","event":"webhook.test",${AT},"webhook":{"id":"w","name":null}}`,
      `{"uuid":"u","event":"webhook.test",${AT},"webhook":{"id":"w","name":"n"},"extra":[1]}`,
    ]) {
      const { body: b, headers } = createSignedRequest(Buffer.from(text), WIRE_KEY);
      expect(verify(b, headers, WIRE_KEY).uuid).toBe('u');
    }
  });

  it('reads attempt 1 when the header is absent or junk', () => {
    const { body: b, headers } = createSignedRequest(ticketCreated(), WIRE_KEY, { attempt: 4 });
    expect(verify(b, headers, WIRE_KEY).attempt).toBe(4);
    const event: HookdeskEvent = verify(b, { ...headers, 'x-hookdesk-attempt': 'two' }, WIRE_KEY);
    expect(event.attempt).toBe(1);
  });
});
