import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../src/index.js';

describe('constantTimeEqual', () => {
  it.each([
    ['sha1=abc', 'sha1=abc', true],
    ['sha1=abc', 'sha1=abd', false],
    ['sha1=abc', 'sha1=ab', false],
    ['', '', true],
    ['', 'x', false],
    ['☃', '☃', true],
    ['☃', '\u2604', false],
    ['zz-not-hex', 'sha1=f9d6', false],
  ])('compares %j and %j as %s', (a, b, expected) => {
    expect(constantTimeEqual(a, b)).toBe(expected);
  });

  it('agrees with === on arbitrary Unicode and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});
