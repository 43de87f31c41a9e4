import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/bullmq exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'BullmqDeliveryQueue',
      'BullmqDeliveryQueueOptions',
      'DEFAULT_QUEUE_NAME',
      'WorkerOptions',
      'redisConnection',
      'startWorker',
    ]);
  }, 30_000);

  it('each of them documented in the README', () => {
    expect(
      undocumentedExports(
        new URL('../src/index.ts', import.meta.url),
        new URL('../README.md', import.meta.url),
      ),
    ).toEqual([]);
  }, 30_000);
});
