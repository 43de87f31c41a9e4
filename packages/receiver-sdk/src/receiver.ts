import { HEADER_ATTEMPT } from '@hookdesk/wire';
import type { DedupStore } from './dedup-store.js';
import { type HookdeskEvent, parseEvent } from './event.js';
import { handlerLookup } from './event-handlers.js';
import { createHandle, type ReceiverRequest, type ReceiverResponse } from './handle-request.js';
import { type HeadersInput, headerValue } from './header-value.js';
import { keyRing } from './key-ring.js';
import { createProcess, type ProcessOutcome } from './process-event.js';
import {
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_DONE_TTL_MS,
  DEFAULT_LEASE_MS,
  defaultOnError,
  positive,
  type ReceiverOptions,
} from './receiver-options.js';
import { resolveDedupStore } from './resolve-dedup-store.js';
import { checkSignature, DEFAULT_MAX_BODY_BYTES, verifySettings } from './verify.js';

export interface Receiver {
  /** Verifies and parses one request's raw bytes (see `verify`). */
  verify(rawBody: Uint8Array, headers: HeadersInput): HookdeskEvent;
  /** Claims the event's uuid, runs the handler once, marks it done (or releases it if the handler threw). */
  process(event: HookdeskEvent): Promise<ProcessOutcome>;
  /** The whole request → response flow the framework helpers translate. */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
  /** The resolved `maxBodyBytes`. */
  readonly maxBodyBytes: number;
  /** The resolved `bodyTimeoutMs`. */
  readonly bodyTimeoutMs: number;
}

/**
 * The framework-neutral receiver: verification, dedup and the handler, with every answer decided
 * here. Hand it to `expressReceiver`, `koaReceiver`, `nodeReceiver` or `fetchReceiver`.
 * @example
 * const receiver = createReceiver({
 *   keys: [process.env.HOOKDESK_KEY!],
 *   on: { 'ticket.created': async (event) => console.log(event.ticket.id) },
 * });
 */
export function createReceiver(options: ReceiverOptions): Receiver {
  if (typeof options !== 'object' || options === null) throw new TypeError('`options` must be an object.');
  const ring = keyRing(options.keys);
  const handlerFor = handlerLookup(options.handler, options.on);
  const maxBodyBytes = positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const leaseMs = positive(options.leaseMs, DEFAULT_LEASE_MS, 'leaseMs');
  const doneTtlMs = positive(options.doneTtlMs, DEFAULT_DONE_TTL_MS, 'doneTtlMs');
  const bodyTimeoutMs = positive(options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs');
  // Read once here, not on every request.
  const settings = verifySettings(ring, { ...options, maxBodyBytes });
  const onError = options.onError ?? defaultOnError;
  const store: DedupStore = resolveDedupStore(options.store, { keyPrefix: options.keyPrefix });

  function verify(rawBody: Uint8Array, headers: HeadersInput): HookdeskEvent {
    checkSignature(rawBody, headers, settings);
    return parseEvent(rawBody, headerValue(headers, HEADER_ATTEMPT));
  }

  const process = createProcess({ store, handlerFor, leaseMs, doneTtlMs, onError });
  const handle = createHandle({ maxBodyBytes, bodyTimeoutMs, verify, process, onError });
  return { verify, process, handle, maxBodyBytes, bodyTimeoutMs };
}
