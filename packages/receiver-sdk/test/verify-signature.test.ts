import { describe, expect, it } from 'vitest';
import { createSignedRequest, keyRing, verify } from '../src/index.js';
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
import { atWireTime, sha1Only, standardHeaders, verificationError } from './verify-fixtures.js';

// The signature check of `verify`: the worked example, keys, and every refusal before the body is
// parsed. Replay has its own file, verify-replay.test.ts; the body's shape, verify-body.test.ts.
const body = Buffer.from(WIRE_BODY, 'utf8');

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
});
