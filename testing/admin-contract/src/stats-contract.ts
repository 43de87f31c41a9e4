import { AUTH, type ContractContext, M, until } from './contract-context.js';

interface Bucket {
  start: string;
  succeeded: number;
  failed: number;
}

const HOUR = 60 * 60 * 1000;
const total = (buckets: Bucket[]) =>
  buckets.reduce((sum, b) => ({ succeeded: sum.succeeded + b.succeeded, failed: sum.failed + b.failed }), {
    succeeded: 0,
    failed: 0,
  });

/** `GET M/api/stats`: deliveries settled per hour, counted as they settle. */
export function statsContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent, createWebhook } = ctx;
  const stats = async (query = '') => {
    const res = await agent().get(`${M}/api/stats${query}`).set(AUTH);
    expect(res.status, query).toBe(200);
    return res.body.buckets as Bucket[];
  };

  describe('stats', () => {
    it('counts settled deliveries per hour, for all and per webhook, a resend again', async () => {
      const created = await createWebhook({});
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      await ctx.hookdesk.engine.ticketCreated({ id: 2, subject: 'Two' });
      const delivered = await until(stats, (buckets) => total(buckets).succeeded === 2);
      // The 24 hours ending with the current one, oldest first, each starting on the hour.
      expect(delivered).toHaveLength(24);
      const last = Date.parse(delivered[23]!.start);
      expect(last % HOUR).toBe(0);
      expect(Date.now() - last).toBeLessThan(HOUR);
      expect(delivered.map((b) => Date.parse(b.start) - last)).toEqual(
        Array.from({ length: 24 }, (_, at) => (at - 23) * HOUR),
      );
      expect(total(delivered)).toEqual({ succeeded: 2, failed: 0 });

      // A resend that fails settles again: counted again, as failed (a resend is never retried).
      ctx.receiver.respondWith({ status: 500 });
      const [one] = (await agent().get(`${M}/api/logs?limit=1`).set(AUTH)).body.items;
      await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [one.uuid] });
      const after = await until(stats, (buckets) => total(buckets).failed === 1);
      expect(total(after)).toEqual({ succeeded: 2, failed: 1 });
      expect(total(await stats(`?webhookId=${created.body.id}`))).toEqual({ succeeded: 2, failed: 1 });
      expect(total(await stats('?webhookId=another'))).toEqual({ succeeded: 0, failed: 0 });
      expect(total(await stats('?ruleId=some-rule'))).toEqual({ succeeded: 0, failed: 0 });

      // A range of its own: every hour that overlaps it.
      const hour = new Date(last).toISOString();
      const ranged = await stats(
        `?since=${encodeURIComponent(new Date(last - 90 * 60_000).toISOString())}&until=${encodeURIComponent(
          new Date(last + 60_000).toISOString(),
        )}`,
      );
      expect(ranged.map((b) => b.start)).toEqual([
        new Date(last - 2 * HOUR).toISOString(),
        new Date(last - HOUR).toISOString(),
        hour,
      ]);
      const head = await agent().head(`${M}/api/stats`).set(AUTH);
      expect(head.status).toBe(200);
    });

    it('answers 422 for a bad range, both webhookId and ruleId, or an unknown parameter', async () => {
      for (const query of [
        'since=yesterday',
        'until=2026-13-01T00:00:00Z',
        'since=2026-11-28T09:00:00Z&until=2026-11-28T08:00:00Z',
        'since=2026-11-28T08:00:00Z&until=2026-11-28T08:00:00Z',
        'since=2026-10-01T00:00:00Z&until=2026-11-28T00:00:00Z',
        'webhookId=a&ruleId=b',
        `webhookId=${'x'.repeat(201)}`,
        'status=failed',
      ]) {
        const res = await agent().get(`${M}/api/stats?${query}`).set(AUTH);
        expect(res.status, query).toBe(422);
        expect(res.body.error.code, query).toBe('validation_failed');
        expect(res.body.error.details.length, query).toBeGreaterThan(0);
      }
      const longest = await agent()
        .get(`${M}/api/stats?since=2026-11-01T00:00:00Z&until=2026-12-02T00:00:00Z`)
        .set(AUTH);
      expect(longest.status).toBe(200);
      expect(longest.body.buckets).toHaveLength(744);
    });
  });
}
