import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha1SignatureMatches, signSha1 } from '../src/index.js';

const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const BODY = Buffer.from(
  '{"uuid":"3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d","event":"ticket.updated","created_at":"2026-11-28T08:30:00.000Z","ticket":{"id":42,"subject":"Printer on fire ☃","status":"closed","priority":"urgent"},"changes":{"status":{"old":"open","new":"closed"}}}',
);
const SIGNATURE = 'sha1=f9d66d970356a639ad1d1446469283f0ab30e023';

describe('sha1SignatureMatches', () => {
  it('accepts the worked example, in either hex case', () => {
    expect(sha1SignatureMatches(KEY, BODY, SIGNATURE)).toBe(true);
    expect(sha1SignatureMatches(KEY, BODY, `sha1=${SIGNATURE.slice(5).toUpperCase()}`)).toBe(true);
  });

  it.each([
    '',
    'sha1=',
    SIGNATURE.slice(0, -1),
    `${SIGNATURE}0`,
    `sha1=${'g'.repeat(40)}`,
    `sha1=${SIGNATURE.slice(5, 44)}g`,
    `sha1=g${SIGNATURE.slice(6)}`,
    `sha1=${SIGNATURE.slice(5, 25)}☃${SIGNATURE.slice(26)}`,
    `sha1=${SIGNATURE.slice(5, 43)} 0`,
    `SHA1=${SIGNATURE.slice(5)}`,
    ` ${SIGNATURE}`,
    'sha1=f9d66d970356a639ad1d1446469283f0ab30e024',
  ])('refuses %j', (signature) => {
    expect(sha1SignatureMatches(KEY, BODY, signature)).toBe(false);
  });

  it('agrees with signSha1 and never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ unit: 'binary' }), (body, junk) => {
        expect(sha1SignatureMatches(KEY, body, signSha1(KEY, body))).toBe(true);
        expect(sha1SignatureMatches(KEY, body, junk)).toBe(junk === signSha1(KEY, body));
      }),
    );
  });
});
