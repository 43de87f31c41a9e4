import { createStorage } from '@hookdesk/storage';
import { FakeClock, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { StorageDeliveryQueue } from '../src/storage-delivery-queue.js';

// A resend enqueues a delivery whose last attempt may still be finishing: that attempt then
// removes the delivery from the queue. The resend must still run, and stay queued until it has.
describe('StorageDeliveryQueue, enqueue while the same delivery is in flight', () => {
  it('runs it again once the attempt in flight is done, and keeps it queued until then', async () => {
    const storage = await createStorage({ store: 'memory' });
    const clock = new FakeClock();
    const queue = new StorageDeliveryQueue(storage.queue, { clock, pollIntervalMs: 3_600_000 });
    const runs: string[] = [];
    let finishFirst!: () => void;
    const firstDone = new Promise<void>((resolve) => {
      finishFirst = resolve;
    });
    queue.start(async (uuid) => {
      runs.push(uuid);
      if (runs.length === 1) {
        await firstDone;
        // The finished attempt takes its delivery off the queue, as the dispatcher does.
        await queue.remove(uuid);
      } else {
        await queue.remove(uuid);
      }
    });
    const uuid = '3f1c9a4e-6b1d-4c39-9a55-2a7f0c1e8b6d';
    await queue.enqueue([{ uuid, dueAt: clock.now() }]);
    await until(() => runs.length === 1, 'the first attempt');
    await queue.enqueue([{ uuid, dueAt: clock.now() }]); // the resend, while attempt 1 is in flight
    finishFirst();
    await until(() => runs.length === 2, 'the resend to run', 2000);
    expect(runs).toEqual([uuid, uuid]);
    await until(() => queue.inFlight === 0, 'nothing in flight');
    expect(await storage.queue.size()).toBe(0);
    await queue.close();
    await storage.close();
  });

  it("removes a resend's own entry of a delivery first queued by its log entry", async () => {
    const storage = await createStorage({ store: 'memory' });
    const clock = new FakeClock();
    const queue = new StorageDeliveryQueue(storage.queue, { clock, pollIntervalMs: 3_600_000 });
    const uuid = '6c0f2d3e-1a4b-4c5d-8e9f-0a1b2c3d4e5f';
    // Fresh and due now: nothing written, its (absent here) log entry would queue it.
    await queue.enqueue([{ uuid, dueAt: clock.now() }], { fresh: true });
    expect(await storage.queue.size()).toBe(0);
    // A resend writes an entry of its own, and removing the delivery must remove that entry.
    await queue.enqueue([{ uuid, dueAt: clock.now() + 60_000, once: true }]);
    expect(await storage.queue.size()).toBe(1);
    await queue.remove(uuid);
    expect(await storage.queue.size()).toBe(0);
    await queue.close();
    await storage.close();
  });
});
