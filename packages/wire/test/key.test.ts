import { describe, expect, it } from 'vitest';
import { generateKey, keyPreview, keyProblem, standardSecret } from '../src/index.js';

describe('keys', () => {
  it('generates whsec_ + base64 of 32 random bytes', () => {
    const key = generateKey();
    expect(key).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(standardSecret(key)).toHaveLength(32);
    expect(generateKey()).not.toBe(key);
  });

  it('accepts keys of 24 to 64 bytes and explains every refusal', () => {
    expect(keyProblem('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(keyProblem(`whsec_${Buffer.alloc(64, 1).toString('base64')}`)).toBeNull();
    expect(keyProblem(`whsec_${Buffer.alloc(23, 1).toString('base64')}`)).toBe(
      'A key must hold 24 to 64 bytes after `whsec_`; this one holds 23.',
    );
    expect(keyProblem(`whsec_${Buffer.alloc(65, 1).toString('base64')}`)).toMatch(/this one holds 65/);
    expect(keyProblem('sk_live_abc')).toMatch(/starts with `whsec_`/);
    expect(keyProblem('whsec_not*base64!')).toMatch(/must be base64/);
  });

  it('previews only the prefix and two characters', () => {
    expect(keyPreview('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBe('whsec_Mf…');
  });
});
