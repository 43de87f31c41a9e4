import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two strings hold the same UTF-8 bytes, in time that depends only on their lengths.
 * Never throws: strings of different lengths (or any junk a client sent) compare `false`.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.byteLength !== right.byteLength) {
    // Still spend one comparison so a length mismatch is not measurably faster than a byte mismatch.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
