import type { TestReceiver } from '@hookdesk/test-receivers';
import { until } from '@hookdesk/test-support';
import { type DispatchContext, jitteredDelay, settled, sleep } from './dispatch-context.js';

// Timers and the log's millisecond timestamps may round a due time down by a little.
const EARLY_MS = 5;
// Only bounds a retry that never came on time; a loaded machine may run late, never early.
const LATE_MS = 3_000;

/** Milliseconds between request `n` and the one before it, as the receiver saw them. */
function gap(receiver: TestReceiver, n: number): number {
  const [before, after] = [receiver.requests[n - 1], receiver.requests[n]];
  if (!before || !after) throw new Error(`expected request ${n + 1}, got ${receiver.requests.length}`);
  return after.receivedAt - before.receivedAt;
}

/** Retries on docs/wire.md's schedule with its jitter, `Retry-After`, and resends. */
export function retryCases(ctx: DispatchContext): void {
  const { describe, it, expect } = ctx.test;

  describe('retries and resends', () => {
    it('retries with the same uuid, attempt 1, 2, 3, not before the jittered schedule', async () => {
      const setup = await ctx.open();
      const r = await ctx.receiver({
        respond: [{ status: 500, body: 'boom' }, { status: 503 }, { status: 204 }],
      });
      await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const retrying: { attempt: number; nextAttemptAt: string }[] = [];
      setup.deliverer.on('delivery.retrying', (e) => retrying.push(e));

      const [uuid] = (await setup.recorder.ticketCreated({ id: 7 })) as [string];
      await settled(setup.recorder, uuid, 'the third attempt', 10_000);

      expect(r.requests.map((q) => q.headers['x-hookdesk-uuid'])).toEqual([uuid, uuid, uuid]);
      expect(r.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['1', '2', '3']);
      expect(new Set(r.requests.map((q) => q.body.toString())).size).toBe(1);
      const record = await setup.recorder.getLog(uuid);
      expect(record.attempts.map((a) => [a.number, a.statusCode, a.responseExcerpt])).toEqual([
        [1, 500, 'boom'],
        [2, 503, null],
        [3, 204, null],
      ]);
      expect(record).toMatchObject({ status: 'succeeded', attemptCount: 3, nextAttemptAt: null });
      expect(retrying.map((e) => e.attempt)).toEqual([1, 2]);
      for (const n of [1, 2]) {
        const delay = jitteredDelay(setup.options, n);
        const dueAt = Date.parse(retrying[n - 1]?.nextAttemptAt as string);
        // Due the jittered delay after attempt n (after its start, by its duration and more)...
        expect(dueAt - Date.parse(record.attempts[n - 1]?.at as string)).toBeGreaterThanOrEqual(delay);
        // ...and attempt n + 1 not before then.
        expect(Date.parse(record.attempts[n]?.at as string)).toBeGreaterThanOrEqual(dueAt - EARLY_MS);
        expect(gap(r, n)).toBeGreaterThanOrEqual(delay - EARLY_MS);
        expect(gap(r, n)).toBeLessThan(delay + LATE_MS);
      }
    });

    it('waits the larger of Retry-After and the schedule on 429 and 503', async () => {
      // The longest delay (1.5 s) is above Retry-After's 1 s, which is then not clamped.
      const setup = await ctx.open({ retrySchedule: [150, 300, 1_500] });
      const r = await ctx.receiver({
        respond: [
          { status: 429, headers: { 'retry-after': '1' } },
          { status: 503, headers: { 'retry-after': '0' } },
          { status: 204 },
        ],
      });
      await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();

      const [uuid] = (await setup.recorder.ticketCreated({ id: 1 })) as [string];
      await settled(setup.recorder, uuid, 'the third attempt', 10_000);
      expect((await setup.recorder.getLog(uuid)).attempts.map((a) => a.statusCode)).toEqual([429, 503, 204]);
      // Retry-After's 1 s over the schedule's first delay...
      expect(jitteredDelay(setup.options, 1)).toBeLessThan(1_000);
      expect(gap(r, 1)).toBeGreaterThanOrEqual(1_000 - EARLY_MS);
      expect(gap(r, 1)).toBeLessThan(1_000 + LATE_MS);
      // ...and the schedule's second over Retry-After's 0.
      expect(gap(r, 2)).toBeGreaterThanOrEqual(jitteredDelay(setup.options, 2) - EARLY_MS);
    });

    it('sends a resend of a failed delivery as one more attempt, once, with no retry', async () => {
      const setup = await ctx.open();
      // A 410 fails the delivery at attempt 1, the schedule's two retries unused.
      const r = await ctx.receiver({ respond: [{ status: 410 }, { status: 500 }, { status: 200 }] });
      const webhook = await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const [uuid] = (await setup.recorder.ticketCreated({ id: 9 })) as [string];
      await settled(setup.recorder, uuid, 'the 410');
      expect(await setup.recorder.getLog(uuid)).toMatchObject({ status: 'failed', attemptCount: 1 });
      // The receiver is back: an admin activates the webhook and resends.
      await setup.recorder.updateWebhook(webhook.id, { active: true });
      await setup.propagated();

      expect(await setup.recorder.resend({ ids: [uuid] })).toEqual([{ uuid, status: 'queued' }]);
      await until(async () => (await setup.recorder.getLog(uuid)).attemptCount === 2, 'the resend');
      expect(await setup.recorder.getLog(uuid)).toMatchObject({
        status: 'failed',
        attemptCount: 2,
        nextAttemptAt: null,
      });
      // Past the retry that attempt 2 of an automatic run would have had.
      await sleep(jitteredDelay(setup.options, 2) + 300);
      expect(r.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
      expect(r.requests[1]?.headers['x-hookdesk-uuid']).toBe(uuid);
      expect(r.requests[1]?.body.equals(r.requests[0]?.body as Buffer)).toBe(true);

      // A resend that succeeds ends it.
      await setup.recorder.resend({ ids: [uuid] });
      await until(async () => (await setup.recorder.getLog(uuid)).attemptCount === 3, 'the second resend');
      expect(await setup.recorder.getLog(uuid)).toMatchObject({ status: 'succeeded', attemptCount: 3 });
      expect(r.requests).toHaveLength(3);
    });
  });
}
