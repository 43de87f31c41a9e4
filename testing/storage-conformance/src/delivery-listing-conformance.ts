import {
  CorruptRecordError,
  type DeliveryStatus,
  type HookdeskStorage,
  InvalidCursorError,
  type LogFilter,
} from '@hookdesk/storage';
import { attempt, makeDelivery, minutes, newestFirst, seedDeliveries } from './fixtures.js';
import { KEYS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** Every uuid a filter lists, following cursors with `limit`; fails on a repeated uuid. */
async function listAll(storage: HookdeskStorage, filter: LogFilter, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await storage.log.list({ ...filter, limit, cursor });
    seen.push(...page.items.map((item) => item.uuid));
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end after 1,000 pages');
}

/** Listing the log: summaries, filters, cursors and limits, corrupt and invalid deliveries. */
export function deliveryListingConformance(ctx: StorageContext): void {
  const { it, expect } = ctx.test;
  it('lists newest first as summaries without body, headers, signature or attempts', async () => {
    const records = await seedDeliveries(ctx.storage);
    const page = await ctx.storage.log.list({});
    expect(page.items.map((item) => item.uuid)).toEqual(newestFirst(records));
    expect(page.nextCursor).toBeNull();
    const { body: _b, headers: _h, signature: _s, attempts: _a, ...summary } = records[23]!;
    expect(page.items[0]).toEqual(summary);
  });

  it('filters by every field, alone and combined, and by time range', async () => {
    const records = await seedDeliveries(ctx.storage);
    const cases: LogFilter[] = [
      { status: 'failed' },
      { status: 'succeeded' },
      { status: 'pending' },
      { webhookId: 'wh-1' },
      { webhookId: 'wh-2' },
      { webhookId: 'unknown' },
      { ruleId: 'r-1' },
      { event: 'ticket.updated' },
      { event: 'smart_rule.triggered' },
      { event: 'webhook.test' },
      { webhookId: 'wh-1', status: 'failed' },
      { ruleId: 'r-1', status: 'succeeded' },
      { event: 'ticket.created', status: 'pending' },
      { webhookId: 'wh-2', event: 'ticket.created' },
      { webhookId: 'wh-1', ruleId: 'r-1' },
      { since: minutes(5) },
      { until: minutes(5) },
      { since: minutes(5), until: minutes(17) },
      { status: 'failed', since: minutes(4), until: minutes(20) },
      { webhookId: 'wh-1', status: 'pending', event: 'ticket.updated', since: minutes(3) },
    ];
    for (const filter of cases) {
      const expected = records.filter(
        (record) =>
          (filter.status === undefined || record.status === filter.status) &&
          (filter.webhookId === undefined || record.webhookId === filter.webhookId) &&
          (filter.ruleId === undefined || record.ruleId === filter.ruleId) &&
          (filter.event === undefined || record.event === filter.event) &&
          (filter.since === undefined || record.createdAt >= filter.since) &&
          (filter.until === undefined || record.createdAt < filter.until),
      );
      const page = await ctx.storage.log.list(filter);
      expect({ filter, uuids: page.items.map((item) => item.uuid) }).toEqual({
        filter,
        uuids: newestFirst(expected),
      });
      expect(await ctx.storage.log.uuids(filter, 1_000)).toEqual(newestFirst(expected));
    }
    expect(await ctx.storage.log.uuids({ status: 'failed' }, 2)).toEqual(['d-20', 'd-16']);
  });

  it('paginates with opaque cursors: no duplicates, no gaps, for any page size and filter', async () => {
    const records = await seedDeliveries(ctx.storage);
    for (const filter of [
      {},
      { status: 'pending' as DeliveryStatus },
      { webhookId: 'wh-2', event: 'ticket.created' as const },
    ]) {
      const all = (await ctx.storage.log.list({ ...filter, limit: 500 })).items.map((item) => item.uuid);
      expect(all.length).toBeGreaterThan(0);
      for (const limit of [1, 2, 3, 7, 24, 25]) {
        expect({ limit, filter, uuids: await listAll(ctx.storage, filter, limit) }).toEqual({
          limit,
          filter,
          uuids: all,
        });
      }
    }
    // A page that ends exactly at the last entry says so.
    expect((await ctx.storage.log.list({ limit: 24 })).nextCursor).toBeNull();
    const first = await ctx.storage.log.list({ limit: 23 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(
      (await ctx.storage.log.list({ limit: 23, cursor: first.nextCursor })).items.map((i) => i.uuid),
    ).toEqual([records[0]!.uuid]);
    // Entries created after a cursor was issued do not shift the following pages.
    await ctx.storage.log.create([makeDelivery('newer', 100)]);
    expect((await ctx.storage.log.list({ limit: 23, cursor: first.nextCursor })).items).toHaveLength(1);
  });

  it('defaults the page size to 50, caps it at 500, and rejects bad limits and cursors', async () => {
    await ctx.storage.log.create(Array.from({ length: 60 }, (_, i) => makeDelivery(`p-${i}`, i)));
    const page = await ctx.storage.log.list({});
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
    expect((await ctx.storage.log.list({ limit: 10_000 })).items).toHaveLength(60);
    expect((await ctx.storage.log.list({ cursor: '' })).items).toEqual(page.items);
    await expect(ctx.storage.log.list({ limit: 0 })).rejects.toThrow(/`limit`/);
    await expect(ctx.storage.log.list({ limit: 2.5 })).rejects.toThrow(TypeError);
    for (const cursor of ['garbage', 'djE6', `${page.nextCursor}x!`]) {
      const error = await ctx.storage.log.list({ cursor }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidCursorError);
      expect((error as InvalidCursorError).code).toBe('invalid_cursor');
    }
    await expect(ctx.storage.log.list({ since: 'last tuesday' })).rejects.toThrow(/`since`/);
  });

  it('rejects a corrupt delivery on get and list with a CorruptRecordError naming the key', async () => {
    await ctx.storage.log.create([makeDelivery('ok', 1), makeDelivery('bad', 2)]);
    await ctx.storage.keyv.set(KEYS.delivery('bad'), { ...makeDelivery('bad', 2), attempts: 'none' });
    for (const read of [() => ctx.storage.log.get('bad'), () => ctx.storage.log.list({})]) {
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as Error).message).toContain(KEYS.delivery('bad'));
      expect((error as Error).message).toMatch(/attempts/);
    }
  });

  it('refuses invalid deliveries and attempts and writes none of the batch', async () => {
    await expect(
      ctx.storage.log.create([
        makeDelivery('good', 1),
        makeDelivery('bad', 2, { event: 'ticket.deleted' as never }),
      ]),
    ).rejects.toThrow(/event/);
    expect(await ctx.storage.log.get('good')).toBeUndefined();
    expect((await ctx.storage.log.list({})).items).toEqual([]);
    await ctx.storage.log.create([makeDelivery('good', 1)]);
    await expect(
      ctx.storage.log.recordAttempt(
        'good',
        { ...attempt(1, 2, 200), at: 'soon' },
        { status: 'succeeded', nextAttemptAt: null },
      ),
    ).rejects.toThrow(/at/);
    expect((await ctx.storage.log.get('good'))?.attempts).toEqual([]);
  });
}
