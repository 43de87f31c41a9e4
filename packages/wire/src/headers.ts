import type { EventType } from './events.js';
import { signSha1, signStandardAll } from './signature.js';

export const HEADER_EVENT = 'x-hookdesk-event';
export const HEADER_UUID = 'x-hookdesk-uuid';
export const HEADER_ATTEMPT = 'x-hookdesk-attempt';
export const HEADER_SIGNATURE = 'x-hookdesk-signature';
export const HEADER_WEBHOOK_ID = 'webhook-id';
export const HEADER_WEBHOOK_TIMESTAMP = 'webhook-timestamp';
export const HEADER_WEBHOOK_SIGNATURE = 'webhook-signature';

/** Headers a webhook's own custom headers may not set: the transport's and the signature's. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'user-agent',
  HEADER_EVENT,
  HEADER_UUID,
  HEADER_ATTEMPT,
  HEADER_SIGNATURE,
  HEADER_WEBHOOK_ID,
  HEADER_WEBHOOK_TIMESTAMP,
  HEADER_WEBHOOK_SIGNATURE,
]);

export interface SignedHeadersInput {
  event: EventType;
  uuid: string;
  attempt: number;
  /** Unix seconds of this attempt. */
  timestamp: number;
  body: Uint8Array;
  /** Keys still valid, current first; only the first signs `X-Hookdesk-Signature`. */
  keys: readonly string[];
  /** `hookdesk/<version>`. */
  userAgent: string;
}

/** Every header docs/wire.md puts on a request, lowercase names. */
export function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const [current] = input.keys;
  if (current === undefined) throw new TypeError('`keys` must hold at least the current key.');
  return {
    'content-type': 'application/json',
    'content-length': String(input.body.byteLength),
    'user-agent': input.userAgent,
    [HEADER_EVENT]: input.event,
    [HEADER_UUID]: input.uuid,
    [HEADER_ATTEMPT]: String(input.attempt),
    [HEADER_SIGNATURE]: signSha1(current, input.body),
    [HEADER_WEBHOOK_ID]: input.uuid,
    [HEADER_WEBHOOK_TIMESTAMP]: String(input.timestamp),
    [HEADER_WEBHOOK_SIGNATURE]: signStandardAll(input.keys, input.uuid, input.timestamp, input.body),
  };
}
