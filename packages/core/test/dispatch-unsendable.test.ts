import { until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { harness, receiver } from './support/setup.js';

describe('deliveries that cannot be sent: failed entries with the reason, an event, no attempt', () => {
  it('records why a resend to a deleted or inactive webhook was not sent, and says so', async () => {
    const { hookdesk, storage } = await harness({ retrySchedule: [] });
    const r = await receiver({ respond: { status: 500 } });
    const kept = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const gone = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const uuids = await hookdesk.ticketCreated({ id: 7 });
    for (const uuid of uuids) {
      await until(async () => (await storage.log.get(uuid))?.status === 'failed', 'first attempt failed');
    }
    const of = async (webhookId: string) =>
      (await Promise.all(uuids.map((u) => storage.log.get(u)))).find((e) => e?.webhookId === webhookId);
    await hookdesk.updateWebhook(kept.id, { active: false });
    await hookdesk.deleteWebhook(gone.id);
    const dropped: { reason: string; webhookId: string | null }[] = [];
    hookdesk.on('delivery.dropped', (e) => dropped.push({ reason: e.reason, webhookId: e.webhookId }));
    await hookdesk.resend({ ids: uuids });
    await until(() => dropped.length === 2, 'both resends refused');
    expect(dropped).toEqual(
      expect.arrayContaining([
        { reason: 'webhook_inactive', webhookId: kept.id },
        { reason: 'webhook_deleted', webhookId: gone.id },
      ]),
    );
    const inactive = await of(kept.id);
    expect(inactive).toMatchObject({ status: 'failed', attemptCount: 1, nextAttemptAt: null });
    expect(inactive?.error).toBe(
      `Not sent: webhook ${kept.id} is inactive. Activate it, then resend this delivery from the log.`,
    );
    expect((await of(gone.id))?.error).toBe(
      `Not sent: webhook ${gone.id} was deleted before this attempt, and a deleted webhook cannot be sent to. Create a webhook for that receiver and record the event again if it still needs it.`,
    );
    expect(r.requests).toHaveLength(2);

    // Activated again, a resend goes out; its attempt replaces the reason.
    r.respondWith({ status: 200 });
    await hookdesk.updateWebhook(kept.id, { active: true });
    const uuid = (await of(kept.id))?.uuid as string;
    await hookdesk.resend({ ids: [uuid] });
    await until(async () => (await storage.log.get(uuid))?.status === 'succeeded', 'resent');
    expect(await storage.log.get(uuid)).not.toHaveProperty('error');
  });

  it('records why a queued retry was not sent when its webhook was deleted meanwhile', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [60_000] });
    const r = await receiver({ respond: { status: 503 } });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const [uuid] = (await hookdesk.ticketCreated({ id: 8 })) as [string];
    await until(async () => (await storage.log.get(uuid))?.attemptCount === 1, 'a retry scheduled');
    await hookdesk.deleteWebhook(webhook.id);
    const dropped: string[] = [];
    hookdesk.on('delivery.dropped', (e) => dropped.push(e.reason));
    await clock.advance(60_000);
    await until(() => dropped.length === 1, 'the retry dropped');
    expect(dropped).toEqual(['webhook_deleted']);
    expect(await storage.log.get(uuid)).toMatchObject({
      status: 'failed',
      attemptCount: 1,
      nextAttemptAt: null,
      error: expect.stringContaining(`webhook ${webhook.id} was deleted`),
    });
    expect(r.requests).toHaveLength(1);
    expect(await storage.queue.size()).toBe(0);
  });

  it('refuses a ticket JSON cannot hold with a TypeError naming `ticket`, not a stack overflow', async () => {
    const { hookdesk } = await harness();
    await hookdesk.createWebhook({ url: (await receiver()).url, events: ['ticket.created'] });
    // A ticket-event listener (smart rules keep each ticket) fails too: its error, an outage in
    // the listener's store write, must not be the one the host sees, whichever settles first.
    hookdesk.onTicketEvent(async () => {
      throw new Error('the store refused the write');
    });
    let deep: Record<string, unknown> = { id: 1 };
    for (let level = 0; level < 5_000; level++) deep = { nested: deep };
    const error = await hookdesk.ticketCreated({ id: 1, deep }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^`ticket` cannot be sent as JSON \(it nests too deeply\)/);
    const cyclic: Record<string, unknown> = { id: 2 };
    cyclic.self = cyclic;
    await expect(hookdesk.ticketCreated(cyclic)).rejects.toThrow(
      /^`ticket` cannot be sent as JSON \(.*circular/,
    );
  });
});
