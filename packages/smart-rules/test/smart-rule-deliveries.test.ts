import { settle, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { harness, receiver } from './support/setup.js';

// Moved from core's dispatch and event-id tests: how rules' deliveries go down the engine's one
// delivery path (recorded through `emit`, retried to the rule's current URL, refused when too large).

describe("smart rules' deliveries through the engine", () => {
  it('sends retries and resends to the URL as edited since, and logs it', async () => {
    const { hookdesk, rules, storage, clock } = await harness({ retrySchedule: [1_000] });
    const broken = await receiver({ respond: { status: 404 } });
    const fixed = await receiver();
    const webhook = await hookdesk.createWebhook({ url: broken.url, events: ['ticket.created'] });
    const rule = await rules.create({
      name: 'Escalate',
      conditions: { all: [{ field: 'status', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: broken.url },
    });
    const [own, fired] = await hookdesk.ticketCreated({ id: 11, status: 'urgent' });
    await broken.waitForRequests(2);
    await until(async () => (await storage.log.get(own as string))?.attemptCount === 1, 'attempt 1 logged');
    await until(async () => (await storage.log.get(fired as string))?.attemptCount === 1, 'rule attempt 1');

    await hookdesk.updateWebhook(webhook.id, { url: fixed.url });
    await rules.update(rule.id, { action: { type: 'trigger_webhook', url: fixed.url } });
    await clock.advance(1_000);
    await fixed.waitForRequests(2);
    for (const uuid of [own, fired] as string[]) {
      await until(async () => (await storage.log.get(uuid))?.status === 'succeeded', 'retry succeeded');
      expect((await storage.log.get(uuid))?.url).toBe(fixed.url);
    }
    expect(broken.requests).toHaveLength(2);
    expect(fixed.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['2', '2']);

    // A resend after another edit goes to the newest URL too.
    await hookdesk.updateWebhook(webhook.id, { url: broken.url });
    await hookdesk.resend({ ids: [own as string] });
    await broken.waitForRequests(3);
    await until(async () => (await storage.log.get(own as string))?.status === 'failed', 'resend failed');
    expect((await storage.log.get(own as string))?.url).toBe(broken.url);
  });

  it('refuses a ticket JSON cannot hold with a TypeError naming `ticket`, not a stack overflow', async () => {
    const { hookdesk, rules } = await harness();
    await hookdesk.createWebhook({ url: (await receiver()).url, events: ['ticket.created'] });
    // Smart rules keep each ticket too: their store write of it must not be the error the host sees.
    await rules.create({
      name: 'Any',
      conditions: { all: [{ field: 'id', op: 'is_set' }] },
      action: { type: 'trigger_webhook', url: 'https://example.com/rule' },
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

describe('rule deliveries that cannot be sent: failed entries with the reason, an event, no attempt', () => {
  const KiB = 1024;

  it('records an update grown past 256 KiB as failed entries that say why, and resolves', async () => {
    const { hookdesk, rules, storage } = await harness();
    const a = await receiver();
    const b = await receiver();
    await hookdesk.createWebhook({ url: a.url, events: ['ticket.updated'] });
    await hookdesk.createWebhook({ url: b.url, events: ['ticket.created', 'ticket.updated'] });
    const rule = await rules.create({
      name: 'Urgent',
      conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: a.url },
    });
    const dropped: unknown[] = [];
    hookdesk.on('delivery.dropped', (e) => dropped.push(e));
    const before = { id: 42, subject: 'Printer on fire', priority: 'low', notes: '' };
    await hookdesk.ticketCreated(before);
    await b.waitForRequests(1);
    // 140 KiB of notes: 'changes' repeats the new value beside the ticket, so the body doubles.
    const after = { ...before, priority: 'urgent', notes: '☃'.repeat((140 * KiB) / 3) };
    const uuids = await hookdesk.ticketUpdated(after, { previous: before });
    expect(uuids).toHaveLength(3);
    // The rule's body carries the ticket alone, under the limit: it goes out.
    const [fired] = await a.waitForRequests(1);
    expect(JSON.parse(fired?.body.toString() ?? '')).toMatchObject({ smart_rule: { id: rule.id } });

    const entries = (await Promise.all(uuids.map((uuid) => hookdesk.getLog(uuid)))).filter(
      (entry) => entry.ruleId === null,
    );
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        status: 'failed',
        attemptCount: 0,
        attempts: [],
        nextAttemptAt: null,
        signature: '',
        bodyTooLarge: { bytes: expect.any(Number), limit: 262_144 },
      });
      expect(entry.bodyTooLarge?.bytes).toBeGreaterThan(280 * KiB);
      // Only the start of the body is kept: the limit bounds the log too.
      expect(Buffer.byteLength(entry.body, 'utf8')).toBeLessThanOrEqual(16 * KiB);
      expect(entry.body.startsWith(`{"uuid":"${entry.uuid}","event":"${entry.event}"`)).toBe(true);
      expect(entry.body).not.toContain('\uFFFD');
      expect(entry.error).toMatch(/^The ticket\.updated event of ticket 42 would be a /);
      expect(entry.error).toContain('over the 262,144-byte limit (`maxBodyBytes`), so it was not sent');
      expect(entry.error).toContain('Keep large fields');
      expect(entry.error).toMatch(/\(the ticket 143,\d{3} bytes, its changes 143,\d{3}\)/);
    }
    const failed = await hookdesk.listLogs({ status: 'failed' });
    expect(failed.items.map((i) => i.uuid).sort()).toEqual(entries.map((e) => e.uuid).sort());
    expect(dropped).toEqual(
      entries.map((e) => ({
        uuid: e.uuid,
        event: e.event,
        webhookId: e.webhookId,
        ruleId: e.ruleId,
        url: e.url,
        reason: 'body_too_large',
        error: e.error,
      })),
    );
    await settle();
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    expect(await storage.queue.size()).toBe(0);
  });

  it('fails a resend of such an entry at once, sending nothing: its body was never kept', async () => {
    const { hookdesk, rules, storage } = await harness({ maxBodyBytes: 4 * KiB });
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const rule = await rules.create({
      name: 'Any',
      conditions: { all: [{ field: 'id', op: 'is_set' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    const [uuid, firing] = (await hookdesk.ticketCreated({ id: 1, text: 'x'.repeat(5 * KiB) })) as [
      string,
      string,
    ];
    expect(await storage.log.get(firing)).toMatchObject({
      status: 'failed',
      ruleId: rule.id,
      bodyTooLarge: { limit: 4 * KiB },
    });
    const dropped = new Map<string, string>();
    hookdesk.on('delivery.dropped', (e) => dropped.set(e.uuid, `${e.reason}: ${e.error}`));
    expect(await hookdesk.resend({ ids: [uuid, firing] })).toEqual([
      { uuid, status: 'queued' },
      { uuid: firing, status: 'queued' },
    ]);
    await until(() => dropped.size === 2, 'the resends refused');
    expect((await storage.log.get(firing))?.status).toBe('failed');
    const entry = await storage.log.get(uuid);
    expect(entry).toMatchObject({ status: 'failed', attemptCount: 0, nextAttemptAt: null });
    expect(entry?.error).toBe(
      'Not sent: this ticket.created body was 5,260 bytes when it was recorded, over the 4,096-byte limit, and the log kept only its start, so it cannot be sent. Record the event again with a smaller ticket (or a higher `maxBodyBytes`).',
    );
    expect(dropped.get(uuid)).toBe(`body_too_large: ${entry?.error}`);
    expect(r.requests).toHaveLength(0);
    expect(await storage.queue.size()).toBe(0);
  });
});

describe('recording an event again under its eventId', () => {
  it('keeps smart rules fire-once: a standing match and a change condition each fire once', async () => {
    const { hookdesk, rules } = await harness();
    const r = await receiver();
    await rules.create({
      name: 'Urgent',
      conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    await rules.create({
      name: 'Closed',
      conditions: { all: [{ field: 'status', op: 'changed_to', value: 'closed' }] },
      action: { type: 'trigger_webhook', url: r.url },
    });
    const open = { id: 9, priority: 'urgent', status: 'open' };
    const created = await hookdesk.ticketCreated(open, { eventId: 'e-1' });
    expect(await hookdesk.ticketCreated(open, { eventId: 'e-1' })).toEqual([]);
    const closed = { ...open, status: 'closed' };
    const updated = await hookdesk.ticketUpdated(closed, { previous: open, eventId: 'e-2' });
    expect(updated).toHaveLength(1);
    expect(await hookdesk.ticketUpdated(closed, { previous: open, eventId: 'e-2' })).toEqual(updated);
    await r.waitForRequests(2);
    await settle();
    const fired = r.requests.map((q) => JSON.parse(q.body.toString()).smart_rule.name);
    expect(fired.sort()).toEqual(['Closed', 'Urgent']);
    expect(created).toHaveLength(1);
  });
});
