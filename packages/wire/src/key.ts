import { randomBytes } from 'node:crypto';

export const KEY_PREFIX = 'whsec_';
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new key: `whsec_` + base64 of 32 random bytes (docs/wire.md, "Key"). */
export function generateKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64');
}

/**
 * The secret bytes of a key for Standard Webhooks: the base64-decoded part after `whsec_`.
 * Throws a `TypeError` when the key is not of that form.
 */
export function standardSecret(key: string): Buffer {
  if (!key.startsWith(KEY_PREFIX)) {
    throw new TypeError(
      'A Hookdesk key starts with `whsec_`: use a key from generateKey() or the admin page.',
    );
  }
  const encoded = key.slice(KEY_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
    throw new TypeError('The part of a Hookdesk key after `whsec_` must be base64.');
  }
  return Buffer.from(encoded, 'base64');
}

/** Why a key is unacceptable as a webhook or account key, or `null` when it is fine. */
export function keyProblem(key: string): string | null {
  let secret: Buffer;
  try {
    secret = standardSecret(key);
  } catch (error) {
    return (error as Error).message;
  }
  if (secret.length < MIN_KEY_BYTES || secret.length > MAX_KEY_BYTES) {
    return `A key must hold ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes after \`whsec_\`; this one holds ${secret.length}.`;
  }
  return null;
}

/** The first characters of a key, safe to show: `whsec_ab…`. */
export function keyPreview(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 2)}…`;
}
