import type { HookdeskStorage } from '@hookdesk/storage';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { deliveryLogConformance } from './delivery-log-conformance.js';
import { deliveryQueueConformance } from './delivery-queue-conformance.js';
import { settingsConformance } from './settings-conformance.js';
import type { StorageContext } from './storage-context.js';
import { webhooksConformance } from './webhooks-conformance.js';

export interface StorageConformanceOptions {
  /** Names the describe block, e.g. `redis`. */
  name: string;
}

/**
 * One suite for every storage backend (keyv's `@keyv/test-suite` style): pass the runner's
 * functions and a factory that opens a fresh, empty storage (a unique namespace per call).
 */
export function storageConformanceSuite(
  test: ConformanceTestApi,
  factory: () => Promise<HookdeskStorage>,
  options: StorageConformanceOptions,
): void {
  const { describe, beforeEach, afterEach } = test;

  describe(`storage conformance: ${options.name}`, () => {
    let storage: HookdeskStorage;

    beforeEach(async () => {
      storage = await factory();
    });

    afterEach(async () => {
      await storage?.close();
    });

    const ctx: StorageContext = {
      test,
      get storage() {
        return storage;
      },
    };
    settingsConformance(ctx);
    webhooksConformance(ctx);
    deliveryLogConformance(ctx);
    deliveryQueueConformance(ctx);
  });
}
