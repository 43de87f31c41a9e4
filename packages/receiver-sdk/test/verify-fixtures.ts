import { expect } from 'vitest';
import { WebhookVerificationError } from '../src/index.js';
import { WIRE_STANDARD, WIRE_TIMESTAMP, WIRE_UUID } from './fixtures.js';

// What the verify tests share: the docs/wire.md worked example's headers and clock.
export const atWireTime = { now: () => WIRE_TIMESTAMP * 1000 };
export const sha1Only = { acceptSha1Only: true };
export const standardHeaders = {
  'webhook-id': WIRE_UUID,
  'webhook-timestamp': String(WIRE_TIMESTAMP),
  'webhook-signature': WIRE_STANDARD,
};

/** The `WebhookVerificationError` that `run` throws; fails the test when it throws none. */
export function verificationError(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError');
}
