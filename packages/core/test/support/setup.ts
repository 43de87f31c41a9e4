import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import { startTestReceiver, type TestReceiver, type TestReceiverOptions } from '@hookdesk/test-receivers';
import { FakeClock } from '@hookdesk/test-support';
import { afterEach } from 'vitest';
import { createHookdesk, type Hookdesk, type HookdeskOptions } from '../../src/index.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export interface Harness {
  hookdesk: Hookdesk;
  storage: HookdeskStorage;
  clock: FakeClock;
}

/** A Hookdesk on the real in-memory storage with a fake clock, allowed to dial loopback receivers. */
export async function harness(options: Partial<HookdeskOptions> = {}): Promise<Harness> {
  const storage = options.storage ?? (await createStorage({ store: 'memory' }));
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const hookdesk = createHookdesk({
    allowCidrs: ['127.0.0.0/8'],
    random: () => 0.5,
    // Fake time jumps by days; a look every hour keeps the number of timers to fire small.
    pollIntervalMs: 3_600_000,
    ...options,
    storage,
    clock,
  });
  await hookdesk.ready();
  cleanups.push(async () => {
    await hookdesk.close();
    await storage.close();
  });
  return { hookdesk, storage, clock };
}

export async function receiver(options?: TestReceiverOptions): Promise<TestReceiver> {
  const r = await startTestReceiver(options);
  cleanups.push(() => r.close());
  return r;
}
