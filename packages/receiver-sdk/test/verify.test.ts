import { describe, expect, it } from 'vitest';
import {
  createSignedRequest,
  type HookdeskEvent,
  keyRing,
  verify,
  WebhookVerificationError,
} from '../src/index.js';
import {
  OTHER_KEY,
  ticketCreated,
  WIRE_BODY,
  WIRE_KEY,
  WIRE_SHA1,
  WIRE_STANDARD,
  WIRE_TIMESTAMP,
  WIRE_UUID,
} from './fixtures.js';

const body = Buffer.from(WIRE_BODY, 'utf8');
const atWireTime = { now: () => WIRE_TIMESTAMP * 1000 };
const sha1Only = { acceptSha1Only: true };
const standardHeaders = {
  'webhook-id': WIRE_UUID,
  'webhook-timestamp': String(WIRE_TIMESTAMP),
  'webhook-signature': WIRE_STANDARD,
};

function verificationError(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verify: the docs/wire.md worked example', () => {
  it('verifies X-Hookdesk-Signature and types the event', () => {
    const event = verify(
      body,
      { 'x-hookdesk-signature': WIRE_SHA1, 'x-hookdesk-attempt': '3' },
      [WIRE_KEY],
      sha1Only,
    );
    expect(event.event).toBe('ticket.updated');
    expect(event.uuid).toBe(WIRE_UUID);
    expect(event.attempt).toBe(3);
    if (event.event !== 'ticket.updated') throw new Error('narrowing');
    expect(event.ticket.subject).toBe('Printer on fire ☃');
    expect(event.changes).toEqual({ status: { old: 'open', new: 'closed' } });
  });

  it('verifies webhook-signature at the example time, with a Fetch Headers object too', () => {
    expect(verify(body, standardHeaders, WIRE_KEY, atWireTime).uuid).toBe(WIRE_UUID);
    expect(verify(body, new Headers(standardHeaders), WIRE_KEY, atWireTime).attempt).toBe(1);
  });

  it('accepts an upper-case sha1 hex', () => {
    expect(
      verify(body, { 'x-hookdesk-signature': `sha1=${WIRE_SHA1.slice(5).toUpperCase()}` }, WIRE_KEY, sha1Only)
        .uuid,
    ).toBe(WIRE_UUID);
  });

  it('refuses one changed byte of the body', () => {
    const tampered = Buffer.from(WIRE_BODY.replace('urgent', 'urgenT'), 'utf8');
    expect(
      verificationError(() => verify(tampered, { 'x-hookdesk-signature': WIRE_SHA1 }, WIRE_KEY, sha1Only))
        .code,
    ).toBe('bad_signature');
    expect(verificationError(() => verify(tampered, standardHeaders, WIRE_KEY, atWireTime)).code).toBe(
      'bad_signature',
    );
  });
});

describe('verify: keys', () => {
  it('accepts any of the keys, for rotation', () => {
    const { body: b, headers } = createSignedRequest(ticketCreated(), [OTHER_KEY]);
    expect(verify(b, headers, [WIRE_KEY, OTHER_KEY]).event).toBe('ticket.created');
    const error = verificationError(() => verify(b, headers, [WIRE_KEY]));
    expect(error.code).toBe('bad_signature');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/check that the receiver has the webhook key/);
  });

  it('accepts the rotated-out key in the second webhook-signature', () => {
    const { body: b, headers } = createSignedRequest(ticketCreated(), [OTHER_KEY, WIRE_KEY]);
    delete headers['x-hookdesk-signature'];
    expect(verify(b, headers, [WIRE_KEY]).event).toBe('ticket.created');
  });

  it('checks each request against the key it is given, one string key after another', () => {
    const { body: b, headers } = createSignedRequest(ticketCreated(), OTHER_KEY);
    expect(verify(b, headers, OTHER_KEY).event).toBe('ticket.created');
    expect(verificationError(() => verify(b, headers, WIRE_KEY)).code).toBe('bad_signature');
    expect(verify(b, headers, OTHER_KEY).event).toBe('ticket.created');
  });

  it('refuses unusable keys with a TypeError naming `keys`', () => {
    expect(() => verify(body, {}, [])).toThrow(/`keys` must hold at least one key/);
    expect(() => verify(body, {}, ['secret'])).toThrow(
      /`keys\[0\]` is not a Hookdesk key: .*starts with `whsec_`/,
    );
    expect(() => keyRing([WIRE_KEY, 'whsec_***'])).toThrow(
      /`keys\[1\]` is not a Hookdesk key: .*must be base64/,
    );
  });
});

describe('verify: replay (issue 11): only webhook-signature covers the time', () => {
  const late = { now: () => (WIRE_TIMESTAMP + 301) * 1000 };
  const both = { ...standardHeaders, 'x-hookdesk-signature': WIRE_SHA1 };

  it('refuses a request whose webhook-signature was stripped, by default, saying what to do', () => {
    const error = verificationError(() => verify(body, { 'x-hookdesk-signature': WIRE_SHA1 }, WIRE_KEY));
    expect(error.code).toBe('sha1_only_refused');
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'The request is signed only with X-Hookdesk-Signature, which covers no timestamp, so a captured copy would verify forever: a Hookdesk sender also sends webhook-signature (check that no proxy strips it). ' +
        'For a sender that signs with X-Hookdesk-Signature alone, set `acceptSha1Only: true` with a durable dedup store whose TTL outlives its retries.',
    );
  });

  it('refuses a stale timestamp whatever the sha1 header says, opted in or not', () => {
    for (const options of [late, { ...late, ...sha1Only }]) {
      expect(verificationError(() => verify(body, both, WIRE_KEY, options)).code).toBe('stale_timestamp');
    }
  });

  it('refuses a webhook-signature that does not verify beside a valid sha1, opted in or not', () => {
    const forged = { ...both, 'webhook-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };
    const noTimestamp = { 'webhook-signature': WIRE_STANDARD, 'x-hookdesk-signature': WIRE_SHA1 };
    for (const headers of [forged, noTimestamp, { ...forged, 'webhook-signature': '' }]) {
      for (const options of [atWireTime, { ...atWireTime, ...sha1Only }]) {
        expect(verificationError(() => verify(body, headers, WIRE_KEY, options)).code).toBe('bad_signature');
      }
    }
  });

  it('accepts a fresh request with both headers, and sha1 alone once opted in', () => {
    expect(verify(body, both, WIRE_KEY, atWireTime).uuid).toBe(WIRE_UUID);
    expect(verify(body, { 'x-hookdesk-signature': WIRE_SHA1 }, WIRE_KEY, sha1Only).uuid).toBe(WIRE_UUID);
    // Opting in changes nothing for a sha1 that does not verify.
    expect(
      verificationError(() =>
        verify(body, { 'x-hookdesk-signature': WIRE_SHA1 }, OTHER_KEY, { ...late, ...sha1Only }),
      ).code,
    ).toBe('bad_signature');
  });

  it('refuses a non-boolean `acceptSha1Only` with a TypeError naming it', () => {
    expect(() => verify(body, {}, WIRE_KEY, { acceptSha1Only: 'yes' as never })).toThrow(
      '`acceptSha1Only` must be true or false; got "yes".',
    );
  });
});

describe('verify: refusals', () => {
  it('missing_signature without either header', () => {
    const error = verificationError(() => verify(body, { 'content-type': 'application/json' }, WIRE_KEY));
    expect(error.code).toBe('missing_signature');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/no X-Hookdesk-Signature or webhook-signature header/);
  });

  it('stale_timestamp beyond 5 minutes either way, configurable', () => {
    const late = { now: () => (WIRE_TIMESTAMP + 301) * 1000 };
    const error = verificationError(() => verify(body, standardHeaders, WIRE_KEY, late));
    expect(error.code).toBe('stale_timestamp');
    expect(error.message).toMatch(
      /301 s in the past, beyond the tolerance of 300 s: check this machine's clock/,
    );
    const early = { now: () => (WIRE_TIMESTAMP - 301) * 1000 };
    expect(verificationError(() => verify(body, standardHeaders, WIRE_KEY, early)).message).toMatch(
      /in the future/,
    );
    expect(verify(body, standardHeaders, WIRE_KEY, { now: () => (WIRE_TIMESTAMP + 300) * 1000 }).uuid).toBe(
      WIRE_UUID,
    );
    expect(verify(body, standardHeaders, WIRE_KEY, { ...late, toleranceSeconds: 600 }).uuid).toBe(WIRE_UUID);
  });

  it('bad_signature when webhook-id or the timestamp is missing or junk', () => {
    for (const headers of [
      { 'webhook-signature': WIRE_STANDARD, 'webhook-timestamp': String(WIRE_TIMESTAMP) },
      { 'webhook-signature': WIRE_STANDARD, 'webhook-id': WIRE_UUID },
      { ...standardHeaders, 'webhook-timestamp': '1e9' },
    ]) {
      const error = verificationError(() => verify(body, headers, WIRE_KEY, atWireTime));
      expect(error.code).toBe('bad_signature');
      expect(error.message).toMatch(/needs webhook-id and a numeric webhook-timestamp/);
    }
  });

  it('a signed webhook-id differing from the one sent fails', () => {
    const headers = { ...standardHeaders, 'webhook-id': 'another-id' };
    expect(verificationError(() => verify(body, headers, WIRE_KEY, atWireTime)).code).toBe('bad_signature');
  });

  it.each([
    'sha1=',
    'sha1=zz',
    `sha1=${'g'.repeat(40)}`,
    `sha1=${'☃'.repeat(40)}`,
    `${WIRE_SHA1}0`,
    WIRE_SHA1.slice(0, -1),
    'sha256=f9d66d970356a639ad1d1446469283f0ab30e023',
  ])('bad_signature, never a crash, for X-Hookdesk-Signature %j', (signature) => {
    expect(
      verificationError(() => verify(body, { 'x-hookdesk-signature': signature }, WIRE_KEY, sha1Only)).code,
    ).toBe('bad_signature');
  });

  it('body_too_large before hashing', () => {
    const error = verificationError(() =>
      verify(body, { 'x-hookdesk-signature': WIRE_SHA1 }, WIRE_KEY, { maxBodyBytes: 251, ...sha1Only }),
    );
    expect(error.code).toBe('body_too_large');
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/larger than 251 bytes: raise `maxBodyBytes`/);
  });

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
