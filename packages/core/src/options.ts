import { lookup } from 'node:dns/promises';
import type { HookdeskStorage } from '@hookdesk/storage';
import { DEFAULT_MAX_BODY_BYTES } from '@hookdesk/wire';
import type { MeterProvider } from '@opentelemetry/api';
import { type Clock, systemClock } from './clock.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { DEFAULT_KEY_GRACE_MS } from './key-ring.js';
import { type Logger, silentLogger } from './logger.js';
import { DEFAULT_DISABLE_AFTER_MS, DEFAULT_JITTER, DEFAULT_RETRY_SCHEDULE_MS } from './retry-policy.js';
import {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './sender.js';
import type { Resolver } from './ssrf-guard.js';

/** Options of `createHookdesk` (smart rules take theirs in `installSmartRules`, `@hookdesk/smart-rules`). */
export interface HookdeskOptions {
  /** Where webhooks, settings, the log and the queue live: `await createStorage(…)` from `@hookdesk/storage`. */
  storage: HookdeskStorage;
  /**
   * The delivery queue. Default: the in-process queue on `storage.queue` (one process). For
   * several processes pass `new BullmqDeliveryQueue(…)` from `@hookdesk/bullmq`.
   */
  queue?: DeliveryQueue;
  /**
   * Delays in ms after attempt 1, 2, …; its length is the number of retries.
   * @default [5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h] (docs/wire.md)
   */
  retrySchedule?: readonly number[];
  /**
   * Fraction by which each delay may move either way.
   * @default 0.2
   */
  retryJitter?: number;
  /**
   * A webhook failing this long without a single success is deactivated (ms).
   * @default 432_000_000 (5 days)
   */
  disableAfterMs?: number;
  /** @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Whole attempt, connecting to the last response byte; also ends a response that trickles.
   * @default 15000
   */
  timeoutMs?: number;
  /**
   * Response body bytes kept in the log; the rest is not read.
   * @default 16384
   */
  maxResponseBytes?: number;
  /**
   * Largest request body. A larger event is still recorded, as `failed` log entries that say why
   * (only the body's first 16 KiB kept) and a `delivery.dropped` event; it is never sent.
   * @default 262144 (256 KiB)
   */
  maxBodyBytes?: number;
  /**
   * Attempts in flight to one webhook at once.
   * @default 10
   */
  concurrencyPerWebhook?: number;
  /**
   * Attempts in flight in this process, across all webhooks (in-process queue only).
   * @default 100
   */
  concurrency?: number;
  /**
   * How long a rotated-out account key keeps signing `webhook-signature` (ms).
   * @default 86_400_000 (24 h)
   */
  keyGracePeriodMs?: number;
  /**
   * Allow webhook URLs on private, loopback and other non-public addresses (local development).
   * @default false
   */
  allowPrivateNetworks?: boolean;
  /**
   * CIDR blocks allowed although not public, e.g. `['10.20.0.0/16']`.
   * @default []
   */
  allowCidrs?: readonly string[];
  /**
   * Resolves a host name to all its addresses, when a webhook is saved and when it is dialled.
   * @default dns.promises.lookup(name, { all: true })
   */
  resolve?: Resolver;
  /** Time source and timers. @default the system clock */
  clock?: Clock;
  /** Random numbers in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** A pino-compatible logger. Keys are never logged. @default silent */
  logger?: Logger;
  /** OpenTelemetry meter provider. @default the global one (a no-op without an SDK) */
  meterProvider?: MeterProvider;
  /**
   * How long settings and webhooks are read from memory before the store is asked again; writes
   * through this instance are seen at once.
   * @default 1000
   */
  cacheMs?: number;
  /**
   * Longest wait between two looks at the queue and, while the global switch is off, at the
   * settings: how soon work written by another process is noticed. Work recorded by this instance
   * is picked up at once.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * Process the queue in this instance. `false` records deliveries only (another process sends).
   * @default true
   */
  process?: boolean;
}

export type ResolvedOptions = Required<Omit<HookdeskOptions, 'queue' | 'meterProvider'>> &
  Pick<HookdeskOptions, 'queue' | 'meterProvider'>;

/** Options `createHookdesk` took before smart rules moved to `@hookdesk/smart-rules`. */
const MOVED_TO_SMART_RULES = [
  'sweepIntervalMs',
  'sweepPageSize',
  'closedStatuses',
  'closedTicketRetentionMs',
  'ticketSource',
  'firingLeaseMs',
] as const;

const defaultResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

function positive(
  options: HookdeskOptions,
  name: keyof HookdeskOptions,
  fallback: number,
  integer = true,
): number {
  const value = options[name] ?? fallback;
  if (
    typeof value !== 'number' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new TypeError(
      `\`${name}\` must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}.`,
    );
  }
  return value;
}

/** Fills defaults and throws a `TypeError` naming the option for any misuse. */
export function resolveOptions(options: HookdeskOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createHookdesk() takes an options object: createHookdesk({ storage }).');
  }
  const { storage } = options;
  if (!storage || typeof storage !== 'object' || !storage.log || !storage.queue || !storage.webhooks) {
    throw new TypeError('`storage` is required: pass `await createStorage()` from @hookdesk/storage.');
  }
  // Smart rules take these since they became a package of their own; silently ignoring one would
  // leave a host's sweep interval (say) at its default.
  const moved = MOVED_TO_SMART_RULES.find((name) => name in options);
  if (moved) {
    throw new TypeError(
      `\`${moved}\` is a smart-rule option: pass it to installSmartRules(hookdesk, { ${moved} }) from @hookdesk/smart-rules.`,
    );
  }
  const retrySchedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  if (!Array.isArray(retrySchedule) || retrySchedule.some((d) => typeof d !== 'number' || !(d >= 0))) {
    throw new TypeError('`retrySchedule` must be an array of delays in milliseconds, e.g. [5000, 300000].');
  }
  const retryJitter = options.retryJitter ?? DEFAULT_JITTER;
  if (typeof retryJitter !== 'number' || retryJitter < 0 || retryJitter >= 1) {
    throw new TypeError(`\`retryJitter\` must be a fraction from 0 to below 1, got ${String(retryJitter)}.`);
  }
  const allowCidrs = options.allowCidrs ?? [];
  if (!Array.isArray(allowCidrs)) throw new TypeError('`allowCidrs` must be an array of CIDR strings.');
  for (const name of ['resolve', 'random'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`\`${name}\` must be a function.`);
    }
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function') {
    throw new TypeError('`clock` must have now(), setTimeout() and clearTimeout().');
  }
  return {
    storage,
    queue: options.queue,
    meterProvider: options.meterProvider,
    retrySchedule: [...retrySchedule],
    retryJitter,
    disableAfterMs: positive(options, 'disableAfterMs', DEFAULT_DISABLE_AFTER_MS),
    connectTimeoutMs: positive(options, 'connectTimeoutMs', DEFAULT_CONNECT_TIMEOUT_MS),
    timeoutMs: positive(options, 'timeoutMs', DEFAULT_ATTEMPT_TIMEOUT_MS),
    maxResponseBytes: positive(options, 'maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES),
    maxBodyBytes: positive(options, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES),
    concurrencyPerWebhook: positive(options, 'concurrencyPerWebhook', 10),
    concurrency: positive(options, 'concurrency', 100),
    keyGracePeriodMs: positive(options, 'keyGracePeriodMs', DEFAULT_KEY_GRACE_MS),
    allowPrivateNetworks: options.allowPrivateNetworks === true,
    allowCidrs,
    resolve: options.resolve ?? defaultResolver,
    clock,
    random: options.random ?? Math.random,
    logger: options.logger ?? silentLogger,
    cacheMs: options.cacheMs ?? 1000,
    pollIntervalMs: positive(options, 'pollIntervalMs', 1000),
    process: options.process ?? true,
  };
}
