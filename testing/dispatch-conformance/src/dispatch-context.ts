import type { TestReceiver, TestReceiverOptions } from '@hookdesk/test-receivers';
import { type ConformanceTestApi, until } from '@hookdesk/test-support';
import type { DispatchEngine, DispatchEngineOptions, DispatchSetup } from './dispatch-setup.js';
import type { HoldingReceiver } from './holding-receiver.js';

/** A deployment opened for one test, with the options its engines run on. */
export interface OpenedSetup extends DispatchSetup {
  readonly options: DispatchEngineOptions;
  /**
   * Resolves once a change made through the recorder is used by the deliverer: at once in one
   * engine, after `cacheMs` (and a look at the switch, `pollIntervalMs`) between two.
   */
  propagated(): Promise<void>;
}

/** What every part of the dispatch conformance suite shares. */
export interface DispatchContext {
  readonly test: ConformanceTestApi;
  /** Opens this test's deployment on the suite's defaults and `overrides`; closed after the test. */
  open(overrides?: Partial<DispatchEngineOptions>): Promise<OpenedSetup>;
  /** A recording receiver (`@hookdesk/test-receivers`), closed after the test. */
  receiver(options?: TestReceiverOptions): Promise<TestReceiver>;
  /** A receiver that holds each request `holdMs`, closed after the test. */
  holdingReceiver(holdMs: number): Promise<HoldingReceiver>;
}

/**
 * The delay after attempt `attempt` (1 for the first) that docs/wire.md's schedule with its
 * jitter gives under these options: core's `applyJitter` of the scheduled delay.
 */
export function jitteredDelay(options: DispatchEngineOptions, attempt: number): number {
  const scheduled = options.retrySchedule[attempt - 1];
  if (scheduled === undefined) throw new RangeError(`No retry follows attempt ${attempt}.`);
  return Math.round(scheduled * (1 + (2 * options.random() - 1) * options.retryJitter));
}

/** Waits `ms` on the real clock. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once the delivery's log entry is no longer `pending`; fails after `timeoutMs`. */
export function settled(
  engine: DispatchEngine,
  uuid: string,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  return until(async () => (await engine.getLog(uuid)).status !== 'pending', what, timeoutMs);
}
