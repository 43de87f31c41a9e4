import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

const HOUR = 60 * 60 * 1000;

describe('stats: deliveries settled per hour', () => {
  it('counts each settle in its hour, per webhook, a resend again and a drop on the clock', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [] });
    const ok = await receiver({ respond: { status: 200 } });
    const failing = await receiver({ respond: { status: 500 } });
    const good = await hookdesk.createWebhook({ url: ok.url, events: ['ticket.created'] });
    const bad = await hookdesk.createWebhook({ url: failing.url, events: ['ticket.created'] });
    const uuids = [
      ...(await hookdesk.ticketCreated({ id: 1 })),
      ...(await hookdesk.ticketCreated({ id: 2 })),
    ];
    const settled = async () =>
      (await Promise.all(uuids.map((uuid) => storage.log.get(uuid)))).every((r) => r?.status !== 'pending');
    await until(settled, 'all four settled');
    // Counted, never read back from the log: no delivery record is read for the answer.
    const read = storage.records.readMany.bind(storage.records);
    const keys: string[] = [];
    storage.records.readMany = ((list: string[], schema: never) => {
      keys.push(...list);
      return read(list, schema);
    }) as typeof storage.records.readMany;
    const { buckets } = await hookdesk.stats();
    expect(keys.filter((key) => key.startsWith('delivery:'))).toEqual([]);
    // The 24 hours ending with the current one (the fake clock is at 08:00).
    expect(buckets).toHaveLength(24);
    expect(buckets[0]?.start).toBe('2026-11-27T09:00:00.000Z');
    expect(buckets.at(-1)).toEqual({ start: '2026-11-28T08:00:00.000Z', succeeded: 2, failed: 2 });
    expect(buckets.slice(0, -1).every((b) => b.succeeded === 0 && b.failed === 0)).toBe(true);
    expect((await hookdesk.stats({ webhookId: bad.id })).buckets.at(-1)).toMatchObject({
      succeeded: 0,
      failed: 2,
    });

    // An hour later: a failed delivery resent succeeds, and counts again, in this hour.
    await clock.advance(HOUR);
    failing.respondWith({ status: 200 });
    const failed = (await hookdesk.listLogs({ webhookId: bad.id })).items[0]!.uuid;
    await hookdesk.resend({ ids: [failed] });
    await until(async () => (await storage.log.get(failed))?.status === 'succeeded', 'resent');
    // A resend whose webhook is gone fails unsent: counted at the engine's clock too.
    const sent = (await hookdesk.listLogs({ webhookId: good.id })).items[0]!.uuid;
    await hookdesk.deleteWebhook(good.id);
    await hookdesk.resend({ ids: [sent] });
    await until(async () => (await storage.log.get(sent))?.error !== undefined, 'dropped');
    const range = { since: '2026-11-28T08:00:00Z', until: '2026-11-28T10:00:00Z' };
    expect((await hookdesk.stats(range)).buckets).toEqual([
      { start: '2026-11-28T08:00:00.000Z', succeeded: 2, failed: 2 },
      { start: '2026-11-28T09:00:00.000Z', succeeded: 1, failed: 1 },
    ]);
    expect((await hookdesk.stats({ ...range, webhookId: good.id })).buckets).toEqual([
      { start: '2026-11-28T08:00:00.000Z', succeeded: 2, failed: 0 },
      { start: '2026-11-28T09:00:00.000Z', succeeded: 0, failed: 1 },
    ]);
  });

  it('refuses webhookId with ruleId, a reversed range and one over 744 hours', async () => {
    const { hookdesk } = await harness();
    for (const request of [
      { webhookId: 'a', ruleId: 'b' },
      { since: '2026-11-28T08:00:00Z', until: '2026-11-28T07:00:00Z' },
      { since: '2026-10-01T00:00:00Z', until: '2026-11-28T00:00:00Z' },
    ]) {
      const error = await hookdesk.stats(request).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(request)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toHaveLength(1);
    }
  });
});
