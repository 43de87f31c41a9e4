import { createHmac, timingSafeEqual } from 'node:crypto';
import { standardSecret } from './key.js';

/**
 * `X-Hookdesk-Signature`: `sha1=` + lowercase hex HMAC-SHA1 of the body, keyed with the UTF-8 bytes
 * of the whole key string (`whsec_` included).
 */
export function signSha1(key: string, body: Uint8Array): string {
  return `sha1=${createHmac('sha1', key).update(body).digest('hex')}`;
}

const SHA1_SIGNATURE = /^sha1=[0-9a-fA-F]{40}$/;

/**
 * Whether an `X-Hookdesk-Signature` value is the body's signature under `key`, compared in constant
 * time on the digest bytes. Never throws: any other string (odd length, not hex, junk) is `false`.
 */
export function sha1SignatureMatches(key: string, body: Uint8Array, signature: string): boolean {
  if (!SHA1_SIGNATURE.test(signature)) return false;
  const expected = createHmac('sha1', key).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature.slice('sha1='.length), 'hex'));
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
