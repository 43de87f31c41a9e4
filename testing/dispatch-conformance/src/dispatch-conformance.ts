import { startTestReceiver } from '@hookdesk/test-receivers';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { deactivationCases } from './deactivation-cases.js';
import { type DispatchContext, type OpenedSetup, sleep } from './dispatch-context.js';
import type { DispatchEngineOptions, DispatchSetupFactory } from './dispatch-setup.js';
import { flowControlCases } from './flow-control-cases.js';
import { startHoldingReceiver } from './holding-receiver.js';
import { recordingCases } from './recording-cases.js';
import { retryCases } from './retry-cases.js';

export interface DispatchConformanceOptions {
  /** Names the describe block, e.g. `BullMQ, a web process and a worker`. */
  name: string;
}

/**
 * The engine options of every case unless it overrides some: docs/wire.md's jitter on a schedule
 * short enough for the real clock, and `random` fixed so each delay is known (1.1 × the scheduled
 * one, not the schedule itself, so a queue that ignored the jitter shows).
 */
export const DISPATCH_CONFORMANCE_DEFAULTS: Readonly<DispatchEngineOptions> = {
  retrySchedule: [150, 300],
  retryJitter: 0.2,
  random: () => 0.75,
  disableAfterMs: 86_400_000,
  concurrencyPerWebhook: 10,
  timeoutMs: 5_000,
  cacheMs: 200,
  pollIntervalMs: 100,
  allowCidrs: ['127.0.0.0/8'],
};

// Beyond `cacheMs` and `pollIntervalMs`, for a loaded machine's timers.
const PROPAGATION_MARGIN_MS = 100;
// Every case finishes in a few seconds; this only bounds one stuck on a loaded machine.
const CASE_TIMEOUT_MS = 30_000;

/**
 * One suite for every delivery queue, on the real clock with real receivers (BullMQ's delays run on
 * Redis time, which no fake clock moves): pass the runner's functions and a factory that opens a
 * fresh deployment. Each case asserts what one process with the in-process queue does; a queue
 * for several processes must do the same, the web process recording and a worker delivering.
 *
 * @example
 * dispatchConformanceSuite({ describe, it, expect, beforeEach, afterEach }, async (options) => {
 *   const storage = await createStorage({ store: 'memory' });
 *   const hookdesk = createHookdesk({ ...options, storage });
 *   await hookdesk.ready();
 *   const close = async () => { await hookdesk.close(); await storage.close(); };
 *   return { recorder: hookdesk, deliverer: hookdesk, close };
 * }, { name: 'the in-process queue' });
 */
export function dispatchConformanceSuite(
  test: ConformanceTestApi,
  factory: DispatchSetupFactory,
  options: DispatchConformanceOptions,
): void {
  const { describe, afterEach } = test;

  describe(`dispatch conformance: ${options.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      // Receivers close before the deployment: an attempt they hold fails at once, so closing the
      // engines does not wait out its timeout.
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    }, CASE_TIMEOUT_MS);

    const ctx: DispatchContext = {
      test: {
        ...test,
        it: (name, body, timeout = CASE_TIMEOUT_MS) => test.it(name, body, timeout),
      },
      async open(overrides = {}): Promise<OpenedSetup> {
        const engineOptions = { ...DISPATCH_CONFORMANCE_DEFAULTS, ...overrides };
        const setup = await factory(engineOptions);
        cleanups.push(() => setup.close());
        const lagMs =
          setup.recorder === setup.deliverer
            ? 0
            : engineOptions.cacheMs + engineOptions.pollIntervalMs + PROPAGATION_MARGIN_MS;
        return {
          recorder: setup.recorder,
          deliverer: setup.deliverer,
          close: () => setup.close(),
          options: engineOptions,
          propagated: () => sleep(lagMs),
        };
      },
      async receiver(receiverOptions) {
        const receiver = await startTestReceiver(receiverOptions);
        cleanups.push(() => receiver.close());
        return receiver;
      },
      async holdingReceiver(holdMs) {
        const receiver = await startHoldingReceiver(holdMs);
        cleanups.push(() => receiver.close());
        return receiver;
      },
    };
    recordingCases(ctx);
    retryCases(ctx);
    deactivationCases(ctx);
    flowControlCases(ctx);
  });
}
