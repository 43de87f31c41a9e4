import type { EventType } from '@hookdesk/wire';
import { EVENT_TYPES, HEADER_ATTEMPT, isEventType } from '@hookdesk/wire';
import { isJsonContentType } from './content-type.js';
import type { ClaimResult, DedupStore } from './dedup-store.js';
import { WebhookVerificationError } from './errors.js';
import { type EventOf, type HookdeskEvent, parseEvent } from './event.js';
import { type HeadersInput, headerValue } from './header-value.js';
import { keyRing } from './key-ring.js';
import { MemoryDedupStore } from './memory-dedup-store.js';
import { type DedupStoreInput, resolveDedupStore } from './resolve-dedup-store.js';
import {
  bodyTooLarge,
  checkSignature,
  DEFAULT_MAX_BODY_BYTES,
  type VerifyOptions,
  verifySettings,
} from './verify.js';

/** Lease of a claim by default: one minute, four times the sender's whole-attempt timeout. */
export const DEFAULT_LEASE_MS = 60_000;

/** How long the body may take to arrive by default: 15 s, the sender's whole-attempt timeout. */
export const DEFAULT_BODY_TIMEOUT_MS = 15_000;

/** How long a processed uuid is remembered by default: 7 days, longer than the sender's retry horizon. */
export const DEFAULT_DONE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type EventHandler<E extends HookdeskEvent = HookdeskEvent> = (event: E) => unknown;

/** One handler per event type; types without one are acknowledged without running anything. */
export type EventHandlers = { [T in EventType]?: EventHandler<EventOf<T>> };

export interface ReceiverOptions extends VerifyOptions {
  /**
   * The accepted keys, current first (add the rotated-out key during its grace period).
   * @default none: required
   */
  keys: string | readonly string[];
  /**
   * One handler for every event. Give this or `on`, or both (`on` runs first).
   * @default none
   */
  handler?: EventHandler;
  /**
   * A handler per event type; an event type with neither its handler nor `handler` is answered 200
   * `ignored` without touching the dedup store. Read once, when the receiver is created.
   * @default none
   */
  on?: EventHandlers;
  /**
   * Where processed uuids are kept: a node-redis v5 client, a `@keyv/redis` store or a Keyv on it
   * (atomic across processes), any other Keyv (atomic within one process), or your own `DedupStore`.
   * @default a MemoryDedupStore of this process
   */
  store?: DedupStoreInput;
  /**
   * Prefix of the keys written to Redis or Keyv.
   * @default 'hookdesk:dedup:'
   */
  keyPrefix?: string;
  /**
   * How long a claim lasts, in ms: a copy arriving meanwhile gets 409. Keep it longer than your
   * slowest handler; if the process dies mid-handler, a retry after it is processed.
   * @default 60000
   */
  leaseMs?: number;
  /**
   * How long a processed uuid is remembered, in ms.
   * @default 604800000 (7 days)
   */
  doneTtlMs?: number;
  /**
   * How long the body may take to arrive once the headers are in, in ms; past it the request is
   * answered 408 `body_timeout` and its connection closed (the Node helpers; a Fetch runtime's server
   * has its own timeouts). Past 15 s the sender has given up on the attempt anyway. Set your server's
   * `headersTimeout` and `requestTimeout` too: see the README's "Server timeouts".
   * @default 15000
   */
  bodyTimeoutMs?: number;
  /**
   * Called with a handler's error (the answer is 500) and with dedup store failures.
   * @default logs to console.error
   */
  onError?: (error: unknown, event: HookdeskEvent | undefined) => void;
}

/** What `process` did with a verified event. */
export type ProcessOutcome = 'processed' | 'duplicate' | 'in_progress' | 'ignored';

/** A request as the framework helpers hand it over. */
export interface ReceiverRequest {
  /** HTTP method; anything but POST is answered 405. */
  method?: string | undefined;
  headers: HeadersInput;
  /**
   * Reads the whole body; must throw `bodyTooLarge(maxBytes)` (413) as soon as it passes `maxBytes`,
   * and should throw `bodyTimeout(timeoutMs)` (408) when it has not ended within `timeoutMs`.
   */
  readBody(maxBytes: number, timeoutMs: number): Promise<Uint8Array>;
}

/** The answer for the framework to send. */
export interface ReceiverResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** Thrown by `process` when the handler threw; the claim was released. `cause` is the handler's error. */
export class HandlerError extends Error {
  override name = 'HandlerError';
  readonly code = 'handler_failed';
  readonly status = 500;
}

/** Thrown by `process` when the dedup store failed before the handler ran (answered 503). */
export class DedupUnavailableError extends Error {
  override name = 'DedupUnavailableError';
  readonly code = 'dedup_unavailable';
  readonly status = 503;
}

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

const JSON_HEADERS = { 'content-type': 'application/json' };

// Settled once and shared: a resolved promise cannot change.
const PROCESSED: Promise<ProcessOutcome> = Promise.resolve('processed');
const DUPLICATE: Promise<ProcessOutcome> = Promise.resolve('duplicate');
const IN_PROGRESS: Promise<ProcessOutcome> = Promise.resolve('in_progress');
const IGNORED: Promise<ProcessOutcome> = Promise.resolve('ignored');

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
  const { handler, on } = options;
  if (handler === undefined && on === undefined) {
    throw new TypeError(
      'Give `handler` (one for every event) or `on` (one per event type): nothing would run.',
    );
  }
  if (handler !== undefined && typeof handler !== 'function')
    throw new TypeError('`handler` must be a function.');
  if (on !== undefined) checkHandlers(on);
  const maxBodyBytes = positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const leaseMs = positive(options.leaseMs, DEFAULT_LEASE_MS, 'leaseMs');
  const doneTtlMs = positive(options.doneTtlMs, DEFAULT_DONE_TTL_MS, 'doneTtlMs');
  const bodyTimeoutMs = positive(options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS, 'bodyTimeoutMs');
  // Read once here, not on every request.
  const settings = verifySettings(ring, { ...options, maxBodyBytes });
  const onError = options.onError ?? defaultOnError;

  const store: DedupStore = resolveDedupStore(options.store, { keyPrefix: options.keyPrefix });
  const memory = store instanceof MemoryDedupStore ? store : undefined;

  // What runs for each event type, composed once rather than per request.
  const handlers = on === undefined ? undefined : handlerTable(on, handler);

  function handlerFor(event: HookdeskEvent): EventHandler | undefined {
    return handlers === undefined ? handler : handlers.get(event.event);
  }

  function verifyRequest(rawBody: Uint8Array, headers: HeadersInput): HookdeskEvent {
    checkSignature(rawBody, headers, settings);
    return parseEvent(rawBody, headerValue(headers, HEADER_ATTEMPT));
  }

  function process(event: HookdeskEvent): Promise<ProcessOutcome> {
    const run = handlerFor(event);
    if (run === undefined) return IGNORED;
    // The in-memory store and a synchronous handler take no await at all: each would cost a tick,
    // measurable against a verify+parse of a few microseconds (bench/receiver).
    if (memory === undefined) return processAsync(event, run);
    const claim = memory.claimSync(event.uuid, leaseMs);
    if (claim.status !== 'claimed') return claim.status === 'done' ? DUPLICATE : IN_PROGRESS;
    let result: unknown;
    try {
      result = run(event);
    } catch (error) {
      return failed(event, claim.token, error);
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        () => succeeded(event, claim.token),
        (error: unknown) => failed(event, claim.token, error),
      );
    }
    memory.completeSync(event.uuid, claim.token, doneTtlMs);
    return PROCESSED;
  }

  async function processAsync(event: HookdeskEvent, run: EventHandler): Promise<ProcessOutcome> {
    let claim: ClaimResult;
    try {
      claim = await store.claim(event.uuid, leaseMs);
    } catch (error) {
      throw new DedupUnavailableError(`The dedup store failed to claim ${event.uuid}.`, { cause: error });
    }
    if (claim.status === 'done') return 'duplicate';
    if (claim.status === 'in_progress') return 'in_progress';
    try {
      await run(event);
    } catch (error) {
      return failed(event, claim.token, error);
    }
    return succeeded(event, claim.token);
  }

  async function succeeded(event: HookdeskEvent, token: string): Promise<ProcessOutcome> {
    try {
      await store.complete(event.uuid, token, doneTtlMs);
    } catch (error) {
      // The handler did its work: answering an error would make the sender deliver it again.
      onError(error, event);
    }
    return 'processed';
  }

  async function failed(event: HookdeskEvent, token: string, error: unknown): Promise<never> {
    try {
      await store.release(event.uuid, token);
    } catch (releaseError) {
      // The lease still expires by itself; a retry after it is processed.
      onError(releaseError, event);
    }
    throw new HandlerError(`The handler for ${event.event} ${event.uuid} threw; the uuid was released.`, {
      cause: error,
    });
  }

  async function handle(request: ReceiverRequest): Promise<ReceiverResponse> {
    let event: HookdeskEvent | undefined;
    try {
      if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
        throw new WebhookVerificationError(
          'method_not_allowed',
          `Hookdesk delivers with POST; this request used ${request.method}.`,
        );
      }
      const contentType = headerValue(request.headers, 'content-type');
      if (!isJsonContentType(contentType)) {
        throw new WebhookVerificationError(
          'unsupported_media_type',
          `A Hookdesk delivery is application/json; this request's Content-Type is ${contentType === undefined ? 'missing' : JSON.stringify(contentType)}.`,
        );
      }
      const declaredLength = Number(headerValue(request.headers, 'content-length'));
      if (declaredLength > maxBodyBytes) throw bodyTooLarge(maxBodyBytes);
      const rawBody = await request.readBody(maxBodyBytes, bodyTimeoutMs);
      event = verifyRequest(rawBody, request.headers);
      const outcome = await process(event);
      if (outcome === 'in_progress') {
        return answer(409, {
          error: 'in_progress',
          message: 'This delivery is being processed by another request: retry later.',
        });
      }
      return answer(200, { status: outcome });
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        const response = answer(error.status, { error: error.code, message: error.message });
        if (error.code === 'method_not_allowed') response.headers.allow = 'POST';
        // The rest of the body may never come: Node closes a connection answered `close` once sent.
        if (error.code === 'body_timeout') response.headers.connection = 'close';
        if (error.code === 'raw_body_unavailable') onError(error, event);
        return response;
      }
      onError(error, event);
      if (error instanceof HandlerError) {
        return answer(500, {
          error: error.code,
          message: 'The handler failed; the delivery was released, so a retry is processed.',
        });
      }
      if (error instanceof DedupUnavailableError) {
        return answer(503, {
          error: error.code,
          message: 'The dedup store failed before the handler ran: retry later.',
        });
      }
      return answer(500, { error: 'internal_error', message: 'The receiver failed: retry later.' });
    }
  }

  return { verify: verifyRequest, process, handle, maxBodyBytes, bodyTimeoutMs };
}

function answer(status: number, body: object): ReceiverResponse {
  return { status, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

function handlerTable(on: EventHandlers, handler: EventHandler | undefined): Map<string, EventHandler> {
  const table = new Map<string, EventHandler>();
  for (const type of EVENT_TYPES) {
    const typed = on[type] as EventHandler | undefined;
    const run = typed === undefined ? handler : handler === undefined ? typed : inSequence(typed, handler);
    if (run !== undefined) table.set(type, run);
  }
  return table;
}

// `first`, then `second` once `first` settled; synchronous when both are, so the in-memory fast
// path of `process` stays free of ticks.
function inSequence(first: EventHandler, second: EventHandler): EventHandler {
  return (event) => {
    const result = first(event);
    return isPromiseLike(result) ? Promise.resolve(result).then(() => second(event)) : second(event);
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function checkHandlers(on: EventHandlers): void {
  if (typeof on !== 'object' || on === null) throw new TypeError('`on` must map event types to handlers.');
  for (const [type, handler] of Object.entries(on)) {
    if (!isEventType(type)) {
      throw new TypeError(
        `\`on[${JSON.stringify(type)}]\` is not a Hookdesk event type; use one of ${EVENT_TYPES.join(', ')}.`,
      );
    }
    if (typeof handler !== 'function')
      throw new TypeError(`\`on[${JSON.stringify(type)}]\` must be a function.`);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`\`${name}\` must be a positive number; leave it out for ${fallback}.`);
  }
  return value;
}

function defaultOnError(error: unknown, event: HookdeskEvent | undefined): void {
  console.error(`[hookdesk receiver]${event ? ` ${event.event} ${event.uuid}:` : ''}`, error);
}
