import { DELIVERY_STATUSES } from '@hookdesk/storage';
import { BASE, FIXTURE_EVENTS, makeDelivery, minutes, newestFirst, seedDeliveries } from './fixtures.js';
import { KEYS, LOG_STATES, SETS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

/** Purging old deliveries: from every listing, every index set and the queue. */
export function deliveryPurgeConformance(ctx: StorageContext): void {
  const { it, expect } = ctx.test;
  it('purges deliveries created before a time, from every listing and the queue', async () => {
    const records = await seedDeliveries(ctx.storage);
    await ctx.storage.queue.schedule([
      { uuid: 'd-02', dueAt: BASE },
      { uuid: 'd-20', dueAt: BASE + 1 },
    ]);
    expect(await ctx.storage.log.purge(Date.parse(minutes(10)))).toBe(10);
    const kept = records.slice(10);
    expect((await ctx.storage.log.list({ limit: 500 })).items.map((item) => item.uuid)).toEqual(
      newestFirst(kept),
    );
    for (const filter of [
      { status: 'failed' as const },
      { webhookId: 'wh-1' },
      { ruleId: 'r-1' },
      { event: 'ticket.updated' as const },
    ]) {
      const uuids = (await ctx.storage.log.list(filter)).items.map((item) => item.uuid);
      expect(uuids.every((uuid) => uuid >= 'd-10')).toBe(true);
    }
    expect(await ctx.storage.log.get('d-02')).toBeUndefined();
    expect(await ctx.storage.queue.due(BASE + 10, 10)).toEqual([{ uuid: 'd-20', dueAt: BASE + 1 }]);
    expect(await ctx.storage.log.purge(Date.parse(minutes(10)))).toBe(0);
  });

  it('purges every index entry of what it removes: no set keeps a member', async () => {
    const records = await seedDeliveries(ctx.storage);
    await ctx.storage.queue.schedule(records.map((record, i) => ({ uuid: record.uuid, dueAt: BASE + i })));
    expect(await ctx.storage.log.purge(Date.parse(minutes(100)))).toBe(24);
    const sets = [
      SETS.queue,
      ...FIXTURE_EVENTS.flatMap((event) => LOG_STATES.map((state) => SETS.logEvent(event, state))),
      ...DELIVERY_STATUSES.flatMap((status) => [
        SETS.logWebhookStatus('wh-1', status),
        SETS.logWebhookStatus('wh-2', status),
        SETS.logRuleStatus('r-1', status),
      ]),
      // The settles' counts, all in the fixture's first hour, which ended before the cutoff.
      ...['succeeded', 'failed'].flatMap((outcome) => [
        SETS.statsHour(BASE, outcome),
        SETS.statsWebhookHour(BASE, outcome, 'wh-1'),
        SETS.statsWebhookHour(BASE, outcome, 'wh-2'),
        SETS.statsRuleHour(BASE, outcome, 'r-1'),
      ]),
      SETS.statsHours,
    ];
    const left = [];
    for (const set of sets) left.push({ set, count: await ctx.storage.index.count(set) });
    expect(left.filter((entry) => entry.count > 0)).toEqual([]);
    expect(await ctx.storage.queue.size()).toBe(0);
  });

  it('purges by the retention period (default 30 days) relative to the given time', async () => {
    expect(ctx.storage.retentionMs).toBeGreaterThan(0);
    await ctx.storage.log.create([makeDelivery('old', 0), makeDelivery('new', 10)]);
    const now = Date.parse(minutes(5)) + ctx.storage.retentionMs;
    expect(await ctx.storage.purgeExpired(now)).toBe(1);
    expect(await ctx.storage.log.get('old')).toBeUndefined();
    expect(await ctx.storage.log.get('new')).toBeDefined();
    expect((await ctx.storage.log.list({})).items.map((item) => item.uuid)).toEqual(['new']);
  });

  it('purges a corrupt delivery too instead of getting stuck on it', async () => {
    await ctx.storage.log.create([makeDelivery('bad', 1), makeDelivery('fine', 20)]);
    await ctx.storage.keyv.set(KEYS.delivery('bad'), 'not a delivery');
    expect(await ctx.storage.log.purge(Date.parse(minutes(10)))).toBe(1);
    expect((await ctx.storage.log.list({ status: 'pending' })).items.map((item) => item.uuid)).toEqual([
      'fine',
    ]);
    expect((await ctx.storage.log.list({ webhookId: 'wh-1' })).items.map((item) => item.uuid)).toEqual([
      'fine',
    ]);
  });
}
