import { describe, expect, it } from 'vitest';
import { verify } from '../src/index.js';
import {
  OTHER_KEY,
  WIRE_BODY,
  WIRE_KEY,
  WIRE_SHA1,
  WIRE_STANDARD,
  WIRE_TIMESTAMP,
  WIRE_UUID,
} from './fixtures.js';
import { atWireTime, sha1Only, standardHeaders, verificationError } from './verify-fixtures.js';

const body = Buffer.from(WIRE_BODY, 'utf8');

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
