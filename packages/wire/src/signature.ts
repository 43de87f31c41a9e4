import { createHmac, timingSafeEqual } from 'node:crypto';
import { standardSecret } from './key.js';

/**
 * `X-Hookdesk-Signature`: `sha1=` + lowercase hex HMAC-SHA1 of the body, keyed with the UTF-8 bytes
 * of the whole key string (`whsec_` included).
 */
export function signSha1(key: string, body: Uint8Array): string {
  return `sha1=${createHmac('sha1', key).update(body).digest('hex')}`;
}

const SHA1_PREFIX = 'sha1=';
const SHA1_BYTES = 20;

/**
 * Whether an `X-Hookdesk-Signature` value is the body's signature under `key`, compared in constant
 * time on the digest bytes. Never throws: any other string (odd length, not hex, junk) is `false`.
 */
export function sha1SignatureMatches(key: string, body: Uint8Array, signature: string): boolean {
  if (signature.length !== SHA1_PREFIX.length + 2 * SHA1_BYTES || !signature.startsWith(SHA1_PREFIX))
    return false;
  // Node's hex decoding stops at the first non-hex character, so anything but 40 hex digits comes
  // out short; this check replaces a regular expression that cost more than the rest of the compare.
  const given = Buffer.from(signature.slice(SHA1_PREFIX.length), 'hex');
  if (given.byteLength !== SHA1_BYTES) return false;
  return timingSafeEqual(createHmac('sha1', key).update(body).digest(), given);
}

/**
 * One Standard Webhooks v1 signature: `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` under
 * the key's decoded secret.
 */
export function signStandard(key: string | Buffer, id: string, timestamp: number, body: Uint8Array): string {
  const secret = typeof key === 'string' ? standardSecret(key) : key;
  const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** `webhook-signature`: one v1 signature per key still valid, current key first, space separated. */
export function signStandardAll(
  keys: readonly string[],
  id: string,
  timestamp: number,
  body: Uint8Array,
): string {
  return keys.map((key) => signStandard(key, id, timestamp, body)).join(' ');
}
