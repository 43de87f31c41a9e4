import { BASE } from './fixtures.js';
import { KEYS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** The delivery queue: due entries earliest first, rescheduling, once marks, concurrent readers. */
export function deliveryQueueConformance(ctx: StorageContext): void {
  const { describe, it, expect } = ctx.test;
  describe('delivery queue', () => {
    it('hands out what is due, earliest first, up to the limit', async () => {
      expect(await ctx.storage.queue.nextDueAt()).toBeNull();
      expect(await ctx.storage.queue.size()).toBe(0);
      await ctx.storage.queue.schedule([
        { uuid: 'c', dueAt: BASE + 3_000 },
        { uuid: 'a', dueAt: BASE + 1_000 },
        { uuid: 'b', dueAt: BASE + 2_000 },
        { uuid: 'later', dueAt: BASE + 60_000 },
      ]);
      expect(await ctx.storage.queue.size()).toBe(4);
      expect(await ctx.storage.queue.nextDueAt()).toBe(BASE + 1_000);
      expect(await ctx.storage.queue.due(BASE + 999, 10)).toEqual([]);
      expect(await ctx.storage.queue.due(BASE + 2_000, 10)).toEqual([
        { uuid: 'a', dueAt: BASE + 1_000 },
        { uuid: 'b', dueAt: BASE + 2_000 },
      ]);
      expect((await ctx.storage.queue.due(BASE + 10_000, 2)).map((entry) => entry.uuid)).toEqual(['a', 'b']);
      expect((await ctx.storage.queue.due(BASE + 100_000, 10)).map((entry) => entry.uuid)).toEqual([
        'a',
        'b',
        'c',
        'later',
      ]);
    });

    it('moves an entry when it is scheduled again, and removes it', async () => {
      await ctx.storage.queue.schedule([
        { uuid: 'a', dueAt: BASE + 1_000 },
        { uuid: 'b', dueAt: BASE + 2_000 },
      ]);
      await ctx.storage.queue.schedule([{ uuid: 'a', dueAt: BASE + 5_000 }]);
      expect(await ctx.storage.queue.size()).toBe(2);
      expect(await ctx.storage.queue.nextDueAt()).toBe(BASE + 2_000);
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'b', dueAt: BASE + 2_000 },
        { uuid: 'a', dueAt: BASE + 5_000 },
      ]);
      await ctx.storage.queue.schedule([
        { uuid: 'b', dueAt: BASE + 9_000 },
        { uuid: 'b', dueAt: BASE + 100 },
      ]);
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'b', dueAt: BASE + 100 },
        { uuid: 'a', dueAt: BASE + 5_000 },
      ]);
      await ctx.storage.queue.remove('b');
      await ctx.storage.queue.remove('never-queued');
      expect(await ctx.storage.queue.size()).toBe(1);
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([{ uuid: 'a', dueAt: BASE + 5_000 }]);
      await ctx.storage.queue.remove('a');
      expect(await ctx.storage.queue.nextDueAt()).toBeNull();
      expect(await ctx.storage.queue.size()).toBe(0);
    });

    it('adds fresh entries without reading, and a wrong fresh hint still leaves one entry per uuid', async () => {
      await ctx.storage.queue.schedule(
        [
          { uuid: 'f1', dueAt: BASE + 1_000 },
          { uuid: 'f2', dueAt: BASE + 2_000 },
        ],
        { fresh: true },
      );
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'f1', dueAt: BASE + 1_000 },
        { uuid: 'f2', dueAt: BASE + 2_000 },
      ]);
      // f1 is queued already: the hint is wrong. Its old member stays until a reader meets it.
      await ctx.storage.queue.schedule([{ uuid: 'f1', dueAt: BASE + 5_000 }], { fresh: true });
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'f2', dueAt: BASE + 2_000 },
        { uuid: 'f1', dueAt: BASE + 5_000 },
      ]);
      expect(await ctx.storage.queue.nextDueAt()).toBe(BASE + 2_000);
      expect(await ctx.storage.queue.size()).toBe(2);
      await ctx.storage.queue.remove('f1');
      await ctx.storage.queue.remove('f2');
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([]);
      expect(await ctx.storage.queue.size()).toBe(0);
    });

    it("keeps a resend's once mark with its entry, also when the entry is scheduled again", async () => {
      await ctx.storage.queue.schedule([
        { uuid: 'r1', dueAt: BASE + 1_000, once: true },
        { uuid: 'r2', dueAt: BASE + 2_000 },
      ]);
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'r1', dueAt: BASE + 1_000, once: true },
        { uuid: 'r2', dueAt: BASE + 2_000 },
      ]);
      // Start-up recovery schedules pending deliveries again, without the mark: it stays.
      await ctx.storage.queue.schedule([{ uuid: 'r1', dueAt: BASE + 3_000 }]);
      expect(await ctx.storage.queue.due(BASE + 10_000, 10)).toEqual([
        { uuid: 'r2', dueAt: BASE + 2_000 },
        { uuid: 'r1', dueAt: BASE + 3_000, once: true },
      ]);
      await ctx.storage.queue.remove('r1');
      await ctx.storage.queue.remove('r2');
    });

    it('loses no entry that is rescheduled while readers scan the queue', async () => {
      const uuids = Array.from({ length: 40 }, (_, i) => `q-${i}`);
      await ctx.storage.queue.schedule(uuids.map((uuid) => ({ uuid, dueAt: BASE + 1_000 })));
      let rescheduling = true;
      const readers = Array.from({ length: 3 }, async () => {
        while (rescheduling) {
          await ctx.storage.queue.due(BASE + 100_000, 100);
          await ctx.storage.queue.nextDueAt();
        }
      });
      for (const round of [2_000, 3_000, 4_000]) {
        await Promise.all(
          uuids.map((uuid, i) => ctx.storage.queue.schedule([{ uuid, dueAt: BASE + round + i }])),
        );
      }
      rescheduling = false;
      await Promise.all(readers);
      expect(await ctx.storage.queue.due(BASE + 100_000, 1_000)).toEqual(
        uuids.map((uuid, i) => ({ uuid, dueAt: BASE + 4_000 + i })),
      );
      expect(await ctx.storage.queue.size()).toBe(uuids.length);
    });

    it('skips and repairs entries whose member disagrees with the stored due time', async () => {
      const uuids = Array.from({ length: 20 }, (_, i) => `s-${String(i).padStart(2, '0')}`);
      await ctx.storage.queue.schedule(uuids.map((uuid, i) => ({ uuid, dueAt: BASE + i })));
      // As if a reschedule to later times had written its due times and then crashed.
      for (const [i, uuid] of uuids.entries()) {
        await ctx.storage.keyv.set(KEYS.queueEntry(uuid), { uuid, dueAt: BASE + 50_000 + i });
      }
      expect(await ctx.storage.queue.nextDueAt()).toBe(BASE + 50_000);
      expect(await ctx.storage.queue.due(BASE + 49_999, 100)).toEqual([]);
      expect(await ctx.storage.queue.due(BASE + 100_000, 5)).toEqual(
        uuids.slice(0, 5).map((uuid, i) => ({ uuid, dueAt: BASE + 50_000 + i })),
      );
      expect(await ctx.storage.queue.size()).toBe(uuids.length);
    });

    it('refuses an invalid due time', async () => {
      await expect(ctx.storage.queue.schedule([{ uuid: 'x', dueAt: Number.NaN }])).rejects.toThrow(TypeError);
      expect(await ctx.storage.queue.size()).toBe(0);
    });
  });
}
