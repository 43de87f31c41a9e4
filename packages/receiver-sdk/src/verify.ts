import {
  constantTimeEqual,
  HEADER_ATTEMPT,
  HEADER_SIGNATURE,
  HEADER_WEBHOOK_ID,
  HEADER_WEBHOOK_SIGNATURE,
  HEADER_WEBHOOK_TIMESTAMP,
  sha1SignatureMatches,
  signStandard,
} from '@hookdesk/wire';
import { WebhookVerificationError } from './errors.js';
import { type HookdeskEvent, parseEvent } from './event.js';
import { type HeadersInput, headerValue } from './header-value.js';
import { type KeyRing, keyRing } from './key-ring.js';

/** Largest body accepted by default: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Standard Webhooks timestamp tolerance by default: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyOptions {
  /**
   * How far `webhook-timestamp` may be from the clock, in seconds, before a Standard Webhooks
   * signature is refused as `stale_timestamp`. `X-Hookdesk-Signature` carries no timestamp.
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The clock, in milliseconds since the epoch; inject one in tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Bodies larger than this many bytes are refused as `body_too_large` before any hashing.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
}

const TIMESTAMP = /^\d{1,15}$/;

/** The keys and options of `verify`, resolved: a receiver resolves them once, not per request. */
export interface VerifySettings {
  readonly ring: KeyRing;
  readonly maxBodyBytes: number;
  readonly toleranceSeconds: number;
  readonly now: () => number;
}

export function verifySettings(
  keys: string | readonly string[] | KeyRing,
  options: VerifyOptions = {},
): VerifySettings {
  return {
    ring: keyRing(keys),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    now: options.now ?? Date.now,
  };
}

/**
 * Checks the signature of a request's raw bytes against the accepted keys (current first), by
 * `X-Hookdesk-Signature` or `webhook-signature`, then parses the body once.
 * Returns the typed event or throws a `WebhookVerificationError` (`code`, HTTP `status`).
 * @example
 * const event = verify(rawBody, req.headers, ['whsec_…']);
 */
export function verify(
  rawBody: Uint8Array,
  headers: HeadersInput,
  keys: string | readonly string[] | KeyRing,
  options: VerifyOptions = {},
): HookdeskEvent {
  checkSignature(rawBody, headers, verifySettings(keys, options));
  return parseEvent(rawBody, headerValue(headers, HEADER_ATTEMPT));
}

/** The signature check of `verify` alone: returns when one signature verifies, throws otherwise. */
export function verifySignature(
  rawBody: Uint8Array,
  headers: HeadersInput,
  keys: string | readonly string[] | KeyRing,
  options: VerifyOptions = {},
): void {
  checkSignature(rawBody, headers, verifySettings(keys, options));
}

/** `verifySignature` with the keys and options resolved. */
export function checkSignature(rawBody: Uint8Array, headers: HeadersInput, settings: VerifySettings): void {
  const { ring, maxBodyBytes } = settings;
  if (rawBody.byteLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);

  const sha1 = headerValue(headers, HEADER_SIGNATURE);
  if (sha1 !== undefined) {
    for (const key of ring.keys) {
      if (sha1SignatureMatches(key, rawBody, sha1)) return;
    }
  }
  const standard = headerValue(headers, HEADER_WEBHOOK_SIGNATURE);
  if (standard !== undefined) {
    verifyStandard(rawBody, headers, standard, settings);
    return;
  }
  if (sha1 === undefined) {
    throw new WebhookVerificationError(
      'missing_signature',
      'The request has no X-Hookdesk-Signature or webhook-signature header: it does not come from a Hookdesk sender, or a proxy removed the headers.',
    );
  }
  throw badSignature();
}

function verifyStandard(
  rawBody: Uint8Array,
  headers: HeadersInput,
  header: string,
  settings: VerifySettings,
): void {
  const id = headerValue(headers, HEADER_WEBHOOK_ID);
  const timestampHeader = headerValue(headers, HEADER_WEBHOOK_TIMESTAMP);
  if (id === undefined || timestampHeader === undefined || !TIMESTAMP.test(timestampHeader)) {
    throw new WebhookVerificationError(
      'bad_signature',
      'A webhook-signature needs webhook-id and a numeric webhook-timestamp header (Standard Webhooks): the request lacks them.',
    );
  }
  const timestamp = Number(timestampHeader);
  const tolerance = settings.toleranceSeconds;
  const now = settings.now;
  const skew = Math.round(now() / 1000 - timestamp);
  if (Math.abs(skew) > tolerance) {
    throw new WebhookVerificationError(
      'stale_timestamp',
      `webhook-timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'in the past' : 'in the future'}, beyond the tolerance of ${tolerance} s: check this machine's clock, or raise \`toleranceSeconds\`; a replayed request is refused this way.`,
    );
  }
  const candidates = header.split(' ').filter((part) => part.startsWith('v1,'));
  if (candidates.length > 0) {
    for (const secret of settings.ring.secrets) {
      const expected = signStandard(secret, id, timestamp, rawBody);
      for (const candidate of candidates) {
        if (constantTimeEqual(expected, candidate)) return;
      }
    }
  }
  throw badSignature();
}

function badSignature(): WebhookVerificationError {
  return new WebhookVerificationError(
    'bad_signature',
    'No signature of the request verifies with the accepted keys: check that the receiver has the webhook key (current first, and the rotated-out key during its grace period), and that nothing altered the body.',
  );
}

/** The error for a body over `maxBodyBytes`, shared by the body readers. */
export function bodyTooLarge(maxBodyBytes: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_too_large',
    `The body is larger than ${maxBodyBytes} bytes: raise \`maxBodyBytes\` if your deliveries are that large.`,
  );
}
