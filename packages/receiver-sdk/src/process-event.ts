import type { ClaimResult, DedupStore } from './dedup-store.js';
import type { HookdeskEvent } from './event.js';
import { type EventHandler, isPromiseLike } from './event-handlers.js';
import { MemoryDedupStore } from './memory-dedup-store.js';

/** What `process` did with a verified event. */
export type ProcessOutcome = 'processed' | 'duplicate' | 'in_progress' | 'ignored';

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

/** What `process` works with, resolved once by `createReceiver`. */
export interface ProcessSettings {
  readonly store: DedupStore;
  readonly handlerFor: (event: HookdeskEvent) => EventHandler | undefined;
  readonly leaseMs: number;
  readonly doneTtlMs: number;
  readonly onError: (error: unknown, event: HookdeskEvent | undefined) => void;
}

// Settled once and shared: a resolved promise cannot change.
const PROCESSED: Promise<ProcessOutcome> = Promise.resolve('processed');
const DUPLICATE: Promise<ProcessOutcome> = Promise.resolve('duplicate');
const IN_PROGRESS: Promise<ProcessOutcome> = Promise.resolve('in_progress');
const IGNORED: Promise<ProcessOutcome> = Promise.resolve('ignored');

/**
 * A receiver's `process`: claims the event's uuid, runs its handler once, marks the uuid done, or
 * releases it if the handler threw.
 */
export function createProcess(settings: ProcessSettings): (event: HookdeskEvent) => Promise<ProcessOutcome> {
  const { store, handlerFor, leaseMs, doneTtlMs, onError } = settings;
  const memory = store instanceof MemoryDedupStore ? store : undefined;

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

  return process;
}
