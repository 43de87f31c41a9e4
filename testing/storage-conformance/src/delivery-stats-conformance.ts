import { attempt, BASE, makeDelivery, minutes, seedDeliveries } from './fixtures.js';
import { KEYS, SETS } from './key-layout.js';
import type { StorageContext } from './storage-context.js';

const HOUR = 60 * 60 * 1000;
const hourIso = (n: number) => new Date(BASE + n * HOUR).toISOString();
const bucket = (n: number, succeeded: number, failed: number) => ({ start: hourIso(n), succeeded, failed });

/** `log.stats` (settles per hour, kept as they happen) and `log.recentStatuses` (webhook health). */
export function deliveryStatsConformance(ctx: StorageContext): void {
  const { describe, it, expect } = ctx.test;
  describe('stats', () => {
    it('counts each settle in the hour its attempt started, for all, per webhook and per rule', async () => {
      const log = ctx.storage.log;
      await log.create([
        makeDelivery('a', 1),
        makeDelivery('b', 2, { webhookId: 'wh-2' }),
        makeDelivery('c', 3, { webhookId: null, ruleId: 'r-1', event: 'smart_rule.triggered' }),
        makeDelivery('d', 4),
      ]);
      await log.recordAttempt('a', attempt(1, 5, 200), { status: 'succeeded', nextAttemptAt: null });
      // A retry is no settle; its last attempt, in the next hour, is.
      await log.recordAttempt('b', attempt(1, 6, 500), { status: 'pending', nextAttemptAt: minutes(70) });
      await log.recordAttempt('b', attempt(2, 70, 500), { status: 'failed', nextAttemptAt: null });
      await log.recordAttempt('c', attempt(1, 10, 204), { status: 'succeeded', nextAttemptAt: null });
      const range = { since: minutes(0), until: minutes(180) };
      expect(await log.stats(range)).toEqual([bucket(0, 2, 0), bucket(1, 0, 1), bucket(2, 0, 0)]);
      expect(await log.stats({ ...range, webhookId: 'wh-2' })).toEqual([
        bucket(0, 0, 0),
        bucket(1, 0, 1),
        bucket(2, 0, 0),
      ]);
      expect(await log.stats({ ...range, webhookId: 'wh-1' })).toEqual([
        bucket(0, 1, 0),
        bucket(1, 0, 0),
        bucket(2, 0, 0),
      ]);
      expect(await log.stats({ ...range, ruleId: 'r-1' })).toEqual([
        bucket(0, 1, 0),
        bucket(1, 0, 0),
        bucket(2, 0, 0),
      ]);
      expect(await log.stats({ ...range, webhookId: 'unknown' })).toEqual([
        bucket(0, 0, 0),
        bucket(1, 0, 0),
        bucket(2, 0, 0),
      ]);
      // Every hour that overlaps the range, the partial ones at both ends included.
      expect(await log.stats({ since: minutes(59), until: minutes(61) })).toEqual([
        bucket(0, 2, 0),
        bucket(1, 0, 1),
      ]);
      expect(await log.stats({ since: minutes(60), until: minutes(120) })).toEqual([bucket(1, 0, 1)]);
      // The sets themselves: one member per settle, in the hour's sets and the registry.
      expect(await ctx.storage.index.count(SETS.statsHour(BASE, 'succeeded'))).toBe(2);
      expect(await ctx.storage.index.count(SETS.statsWebhookHour(BASE + HOUR, 'failed', 'wh-2'))).toBe(1);
      expect(await ctx.storage.index.count(SETS.statsRuleHour(BASE, 'succeeded', 'r-1'))).toBe(1);
      expect(await ctx.storage.index.range(SETS.statsHours, { limit: 10, order: 'asc' })).toEqual([
        String(BASE).padStart(13, '0'),
        String(BASE + HOUR).padStart(13, '0'),
      ]);
    });

    it('counts a resend that settles again, a delivery that fails unsent, and a repaired settle once', async () => {
      const log = ctx.storage.log;
      await log.create([makeDelivery('r', 1), makeDelivery('drop', 2)]);
      await log.recordAttempt('r', attempt(1, 5, 500), { status: 'failed', nextAttemptAt: null });
      await log.setStatus('r', { status: 'pending', nextAttemptAt: minutes(130), error: null });
      await log.recordAttempt('r', attempt(2, 130, 200), { status: 'succeeded', nextAttemptAt: null });
      // Failed without an attempt: at `settledAt`; created failed (a body over the limit): at creation.
      await log.setStatus('drop', {
        status: 'failed',
        nextAttemptAt: null,
        error: 'The webhook was deleted.',
        settledAt: minutes(75),
      });
      await log.create([
        makeDelivery('big', 8, { status: 'failed', error: 'Too big.', bodyTooLarge: { bytes: 9, limit: 8 } }),
      ]);
      const range = { since: minutes(0), until: minutes(180) };
      expect(await log.stats(range)).toEqual([bucket(0, 0, 2), bucket(1, 0, 1), bucket(2, 1, 0)]);

      // A settle whose index update was lost (no shared commits, a crash): the queue repairs the
      // log's entries from the record, and the settle's count with them.
      const lost = makeDelivery('lost', 9, { nextAttemptAt: minutes(9) });
      await log.create([lost]);
      await ctx.storage.records.write([
        {
          key: KEYS.delivery('lost'),
          value: {
            ...lost,
            status: 'succeeded',
            attemptCount: 1,
            attempts: [attempt(1, 9, 200)],
            lastAttemptAt: minutes(9),
            lastStatusCode: 200,
          },
        },
      ]);
      expect(await ctx.storage.queue.due(Date.parse(minutes(90)), 10)).toEqual([]);
      expect(await log.stats(range)).toEqual([bucket(0, 1, 2), bucket(1, 0, 1), bucket(2, 1, 0)]);
      // Repaired again (the entry is back, say): the same member, still one.
      await ctx.storage.index.update({
        add: [{ set: SETS.logEvent('ticket.created', 'pending'), member: memberOf('lost', 9) }],
      });
      await ctx.storage.queue.due(Date.parse(minutes(90)), 10);
      expect(await log.stats(range)).toEqual([bucket(0, 1, 2), bucket(1, 0, 1), bucket(2, 1, 0)]);
    });

    it('refuses a range over 744 hours, an empty or reversed one, and webhookId with ruleId', async () => {
      const log = ctx.storage.log;
      const days31 = await log.stats({ since: hourIso(0), until: hourIso(744) });
      expect(days31).toHaveLength(744);
      expect(days31.every((b) => b.succeeded === 0 && b.failed === 0)).toBe(true);
      await expect(log.stats({ since: hourIso(0), until: minutes(744 * 60 + 1) })).rejects.toThrow(
        /745 hours; one call counts at most 744/,
      );
      await expect(log.stats({ since: minutes(5), until: minutes(5) })).rejects.toThrow(
        /`since` .* must be before `until`/,
      );
      await expect(log.stats({ since: minutes(9), until: minutes(5) })).rejects.toBeInstanceOf(TypeError);
      await expect(log.stats({ since: 'yesterday', until: minutes(5) })).rejects.toThrow(/`since`/);
      await expect(
        log.stats({ since: minutes(0), until: minutes(5), webhookId: 'wh-1', ruleId: 'r-1' }),
      ).rejects.toThrow(/`webhookId` or `ruleId`, not both/);
    });

    it('purges the stats of every hour that ended before the retention cutoff, leaving no member', async () => {
      const log = ctx.storage.log;
      await log.create([
        makeDelivery('old', 1),
        makeDelivery('rule', 2, { webhookId: null, ruleId: 'r/1', event: 'smart_rule.triggered' }),
        makeDelivery('late', 3, { webhookId: 'wh:2' }),
      ]);
      await log.recordAttempt('old', attempt(1, 4, 200), { status: 'succeeded', nextAttemptAt: null });
      await log.recordAttempt('rule', attempt(1, 5, 500), { status: 'failed', nextAttemptAt: null });
      // Created in hour 0, settled in hour 2: its delivery goes with hour 0, its count with hour 2.
      await log.recordAttempt('late', attempt(1, 150, 200), { status: 'succeeded', nextAttemptAt: null });
      // The cutoff is inside hour 1: hour 0 ended before it, hour 1 did not.
      expect(await log.purge(Date.parse(minutes(90)))).toBe(3);
      const range = { since: minutes(0), until: minutes(180) };
      expect(await log.stats(range)).toEqual([bucket(0, 0, 0), bucket(1, 0, 0), bucket(2, 1, 0)]);
      const hourZero = [
        SETS.statsHour(BASE, 'succeeded'),
        SETS.statsHour(BASE, 'failed'),
        SETS.statsWebhookHour(BASE, 'succeeded', 'wh-1'),
        SETS.statsRuleHour(BASE, 'failed', 'r/1'),
      ];
      for (const set of hourZero) expect(await ctx.storage.index.count(set), set).toBe(0);
      expect(await ctx.storage.index.count(SETS.statsWebhookHour(BASE + 2 * HOUR, 'succeeded', 'wh:2'))).toBe(
        1,
      );
      expect(await ctx.storage.index.range(SETS.statsHours, { limit: 10, order: 'asc' })).toEqual([
        String(BASE + 2 * HOUR).padStart(13, '0'),
      ]);
      await log.purge(BASE + 4 * HOUR);
      expect(await ctx.storage.index.count(SETS.statsWebhookHour(BASE + 2 * HOUR, 'succeeded', 'wh:2'))).toBe(
        0,
      );
      expect(await ctx.storage.index.count(SETS.statsHours)).toBe(0);
    });
  });

  describe('recent statuses', () => {
    it("counts the statuses of a webhook's or a rule's newest deliveries from the index", async () => {
      await seedDeliveries(ctx.storage);
      // wh-1 has d-00 … d-21, every third; newest first: succeeded, pending, pending, failed, …
      expect(await ctx.storage.log.recentStatuses({ webhookId: 'wh-1' }, 3)).toEqual({
        pending: 2,
        succeeded: 1,
        failed: 0,
      });
      expect(await ctx.storage.log.recentStatuses({ webhookId: 'wh-1' }, 50)).toEqual({
        pending: 4,
        succeeded: 2,
        failed: 2,
      });
      expect(await ctx.storage.log.recentStatuses({ ruleId: 'r-1' }, 500)).toEqual({
        pending: 4,
        succeeded: 2,
        failed: 2,
      });
      expect(await ctx.storage.log.recentStatuses({ webhookId: 'none' }, 50)).toEqual({
        pending: 0,
        succeeded: 0,
        failed: 0,
      });
      await expect(ctx.storage.log.recentStatuses({ webhookId: 'wh-1' }, 0)).rejects.toThrow(/`window`/);
      await expect(ctx.storage.log.recentStatuses({} as never, 5)).rejects.toThrow(/webhookId/);
    });
  });
}

const memberOf = (uuid: string, at: number) => `${String(Date.parse(minutes(at))).padStart(13, '0')}:${uuid}`;
