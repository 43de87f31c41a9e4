import type { HookdeskEvent } from './event.js';
import type { EventHandler, EventHandlers } from './event-handlers.js';
import type { DedupStoreInput } from './resolve-dedup-store.js';
import type { VerifyOptions } from './verify.js';

/** Lease of a claim by default: one minute, four times the sender's whole-attempt timeout. */
export const DEFAULT_LEASE_MS = 60_000;

/** How long the body may take to arrive by default: 15 s, the sender's whole-attempt timeout. */
export const DEFAULT_BODY_TIMEOUT_MS = 15_000;

/** How long a processed uuid is remembered by default: 7 days, longer than the sender's retry horizon. */
export const DEFAULT_DONE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

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

/** A numeric option checked, or its default when left out. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`\`${name}\` must be a positive number; leave it out for ${fallback}.`);
  }
  return value;
}

/** `onError` when none is given. */
export function defaultOnError(error: unknown, event: HookdeskEvent | undefined): void {
  console.error(`[hookdesk receiver]${event ? ` ${event.event} ${event.uuid}:` : ''}`, error);
}
