import { until } from '@hookdesk/test-support';
import { type DispatchContext, settled, sleep } from './dispatch-context.js';

/** What holds deliveries back: the global switch, and the per-webhook bound. */
export function flowControlCases(ctx: DispatchContext): void {
  const { describe, it, expect } = ctx.test;

  describe('the global switch and concurrencyPerWebhook', () => {
    it('holds a due retry while the global switch is off, and sends it once it is on', async () => {
      // Due after the switch has reached the deliverer (cacheMs and a look at the settings).
      const setup = await ctx.open({ retrySchedule: [600] });
      const r = await ctx.receiver({ respond: [{ status: 500 }, { status: 200 }] });
      await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const [uuid] = (await setup.recorder.ticketCreated({ id: 1 })) as [string];
      await until(async () => (await setup.recorder.getLog(uuid)).attemptCount === 1, 'the first attempt');
      const dueAt = Date.parse((await setup.recorder.getLog(uuid)).nextAttemptAt as string);

      await setup.recorder.setActive(false);
      // Switched off, an event records nothing.
      expect(await setup.recorder.ticketCreated({ id: 2 })).toEqual([]);
      await sleep(Math.max(0, dueAt - Date.now()) + 300);
      await setup.propagated();
      expect(r.requests).toHaveLength(1);
      expect(await setup.recorder.getLog(uuid)).toMatchObject({ status: 'pending', attemptCount: 1 });

      await setup.recorder.setActive(true);
      await settled(setup.recorder, uuid, 'the retry, switched on');
      expect(await setup.recorder.getLog(uuid)).toMatchObject({ status: 'succeeded', attemptCount: 2 });
      expect(r.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
    });

    it('holds at most concurrencyPerWebhook attempts in flight to one webhook', async () => {
      const setup = await ctx.open({ concurrencyPerWebhook: 2 });
      const held = await ctx.holdingReceiver(250);
      await setup.recorder.createWebhook({ url: held.url, events: ['ticket.created'] });
      await setup.propagated();
      const uuids: string[] = [];
      for (let id = 1; id <= 6; id++) uuids.push(...(await setup.recorder.ticketCreated({ id })));

      await until(() => held.answered === 6, `all six answered (${held.answered})`, 10_000);
      expect(held.mostAtOnce).toBe(2);
      for (const uuid of uuids) await settled(setup.recorder, uuid, `delivery ${uuid}`);
      for (const uuid of uuids) expect((await setup.recorder.getLog(uuid)).status).toBe('succeeded');
    });
  });
}
