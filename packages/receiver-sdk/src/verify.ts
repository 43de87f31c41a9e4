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
   * Also accept a request signed only with `X-Hookdesk-Signature` (HMAC-SHA1 over the body), as
   * HappyFox-style senders send. That signature covers no time, so a captured request verifies
   * forever: only the dedup store stops a replay, and only while it remembers the uuid. Turn this
   * on only with a durable dedup store (Redis) whose `doneTtlMs` outlives the sender's retry window
   * (docs/wire.md, "Request"). A request that carries `webhook-signature` must pass it, fresh,
   * whatever this says.
   * @default false: a request without `webhook-signature` is refused (401 `sha1_only_refused`)
   * @example
   * createReceiver({ keys, handler, acceptSha1Only: true, store: redisClient });
   */
  acceptSha1Only?: boolean;
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
  readonly acceptSha1Only: boolean;
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
    acceptSha1Only: sha1Choice(options.acceptSha1Only),
  };
}

function sha1Choice(value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw new TypeError(`\`acceptSha1Only\` must be true or false; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Checks the signature of a request's raw bytes against the accepted keys (current first), then
 * parses the body once. A request with `webhook-signature` must pass it within `toleranceSeconds`
 * (the `X-Hookdesk-Signature` beside it does not count); one with only `X-Hookdesk-Signature` passes
 * only with `acceptSha1Only: true`.
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

/**
 * The signature check of `verify`, with the keys and options resolved: returns when it passes,
 * throws otherwise.
 */
export function checkSignature(rawBody: Uint8Array, headers: HeadersInput, settings: VerifySettings): void {
  const { ring, maxBodyBytes } = settings;
  if (rawBody.byteLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);

  // Only webhook-signature covers the time: when it is there it decides, so a valid sha1 beside a
  // stale or forged one cannot carry a replayed request through.
  const standard = headerValue(headers, HEADER_WEBHOOK_SIGNATURE);
  if (standard !== undefined) {
    verifyStandard(rawBody, headers, standard, settings);
    return;
  }
  const sha1 = headerValue(headers, HEADER_SIGNATURE);
  if (sha1 === undefined) {
    throw new WebhookVerificationError(
      'missing_signature',
      'The request has no X-Hookdesk-Signature or webhook-signature header: it does not come from a Hookdesk sender, or a proxy removed the headers.',
    );
  }
  if (!settings.acceptSha1Only) {
    throw new WebhookVerificationError(
      'sha1_only_refused',
      'The request is signed only with X-Hookdesk-Signature, which covers no timestamp, so a captured copy would verify forever: a Hookdesk sender also sends webhook-signature (check that no proxy strips it). ' +
        'For a sender that signs with X-Hookdesk-Signature alone, set `acceptSha1Only: true` with a durable dedup store whose TTL outlives its retries.',
    );
  }
  for (const key of ring.keys) {
    if (sha1SignatureMatches(key, rawBody, sha1)) return;
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

/** The error for a body that did not end within `timeoutMs`, shared by the body readers. */
export function bodyTimeout(timeoutMs: number): WebhookVerificationError {
  return new WebhookVerificationError(
    'body_timeout',
    `The body did not arrive within ${timeoutMs} ms: a Hookdesk sender sends it whole at once (Content-Length); raise \`bodyTimeoutMs\` if your network is that slow.`,
  );
}
