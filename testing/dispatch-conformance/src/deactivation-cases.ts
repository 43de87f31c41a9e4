import { until } from '@hookdesk/test-support';
import { type DispatchContext, jitteredDelay, settled, sleep } from './dispatch-context.js';

/** Automatic deactivation: a 410, or failing without a success for `disableAfterMs`. */
export function deactivationCases(ctx: DispatchContext): void {
  const { describe, it, expect } = ctx.test;

  describe('automatic deactivation', () => {
    it('deactivates the webhook on 410, drops its queued retry and sends it nothing more', async () => {
      // Long enough for ticket 2's 410 to land before ticket 1's retry is due.
      const setup = await ctx.open({ retrySchedule: [600] });
      const r = await ctx.receiver({
        respond: (request) => ({ status: JSON.parse(request.body.toString()).ticket.id === 1 ? 500 : 410 }),
      });
      const webhook = await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const deactivated: { webhookId: string; reason: string }[] = [];
      setup.deliverer.on('webhook.deactivated', (e) => deactivated.push(e));

      const [retried] = (await setup.recorder.ticketCreated({ id: 1 })) as [string];
      await until(async () => (await setup.recorder.getLog(retried)).attemptCount === 1, 'a retry queued');
      const [gone] = (await setup.recorder.ticketCreated({ id: 2 })) as [string];
      await until(() => deactivated.length === 1, 'the deactivation');
      expect(deactivated.map(({ webhookId, reason }) => ({ webhookId, reason }))).toEqual([
        { webhookId: webhook.id, reason: 'The receiver answered 410 Gone.' },
      ]);
      expect(await setup.recorder.getLog(gone)).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect((await setup.recorder.getWebhook(webhook.id)).active).toBe(false);

      // Ticket 1's retry comes due with its webhook inactive: failed, not sent.
      await settled(setup.recorder, retried, 'the queued retry');
      const record = await setup.recorder.getLog(retried);
      expect(record).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: null });
      expect(record.error).toContain('is inactive');
      await setup.propagated();
      expect(await setup.recorder.ticketCreated({ id: 3 })).toEqual([]);
      await sleep(300);
      expect(r.requests).toHaveLength(2);
    });

    it('deactivates a webhook failing without a success for disableAfterMs', async () => {
      const disableAfterMs = 400;
      // Six attempts 165 ms apart if nothing stopped them: the window ends among them.
      const setup = await ctx.open({ retrySchedule: [150, 150, 150, 150, 150], disableAfterMs });
      const r = await ctx.receiver({ respond: { status: 500 } });
      const webhook = await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const deactivated: string[] = [];
      setup.deliverer.on('webhook.deactivated', (e) => deactivated.push(e.reason));

      const [uuid] = (await setup.recorder.ticketCreated({ id: 1 })) as [string];
      await until(() => deactivated.length === 1, 'the deactivation', 10_000);
      expect(deactivated[0]).toMatch(/^Failing without a single success for /);
      await settled(setup.recorder, uuid, 'the last attempt');
      const record = await setup.recorder.getLog(uuid);
      expect(record.status).toBe('failed');
      expect(record.attemptCount).toBeGreaterThanOrEqual(2);
      expect(record.attemptCount).toBeLessThan(6);
      // Deactivated only once failing that long: the first failure to the end of the last attempt.
      const first = Date.parse(record.attempts[0]?.at as string);
      const last = record.attempts.at(-1);
      expect(Date.parse(last?.at as string) + (last?.durationMs ?? 0) - first).toBeGreaterThanOrEqual(
        disableAfterMs - 5,
      );
      expect((await setup.recorder.getWebhook(webhook.id)).active).toBe(false);

      await sleep(jitteredDelay(setup.options, 1) + 300);
      await setup.propagated();
      expect(await setup.recorder.ticketCreated({ id: 2 })).toEqual([]);
      expect(r.requests).toHaveLength(record.attemptCount);
    });
  });
}
