import { describe, expect, it } from 'vitest';
import { bearerToken } from '../../src/index.js';

describe('bearerToken', () => {
  const authorize = bearerToken('0123456789abcdef-secret');
  const call = (authorization?: string | string[]) => authorize({ headers: { authorization } });

  it.each([
    [undefined, { status: 401 }],
    ['Bearer 0123456789abcdef-secret', true],
    ['bearer 0123456789abcdef-secret', true],
    [['Bearer 0123456789abcdef-secret'], true],
    [
      'Bearer 0123456789abcdef-secreT',
      { status: 401, message: expect.stringMatching(/^The admin token is wrong\./) },
    ],
    ['Bearer short', { status: 401, message: expect.stringMatching(/^The admin token is wrong\./) }],
    [
      'Basic dXNlcjpwYXNz',
      { status: 401, message: 'Send the admin token as `Authorization: Bearer <token>`.' },
    ],
  ])('%j → %j', (header, verdict) => {
    expect(call(header)).toEqual(verdict);
  });

  it('refuses a weak token when mounted', () => {
    expect(() => bearerToken('abc')).toThrow('`token` must be a string of at least 16 characters');
  });
});
