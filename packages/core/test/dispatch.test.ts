import { createHmac } from 'node:crypto';
import { settle, until } from '@hookdesk/test-support';
import { signStandard, standardSecret } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../src/retry-policy.js';
import { USER_AGENT } from '../src/version.js';
import { harness, receiver } from './support/setup.js';

const WIRE_HEADERS = [
  'content-type',
  'content-length',
  'user-agent',
  'x-hookdesk-event',
  'x-hookdesk-uuid',
  'x-hookdesk-attempt',
  'x-hookdesk-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];

describe('ticket events to deliveries', () => {
  it('fans out to every matching webhook with every docs/wire.md header, signed over the bytes sent', async () => {
    const { hookdesk, storage } = await harness();
    const a = await receiver();
    const b = await receiver();
    const other = await receiver();
    const wa = await hookdesk.createWebhook({
      url: a.url,
      events: ['ticket.created'],
      headers: { 'X-Team': 'ops' },
    });
    await hookdesk.createWebhook({
      url: b.url,
      events: ['ticket.created', 'ticket.updated'],
      key: 'generate',
    });
    await hookdesk.createWebhook({ url: other.url, events: ['ticket.updated'] });
    await hookdesk.createWebhook({ url: other.url, events: ['ticket.created'], active: false });

    const uuids = await hookdesk.ticketCreated({ id: 42, subject: 'Printer on fire ☃' });
    expect(uuids).toHaveLength(2);
    const [ra] = await a.waitForRequests(1);
    const [rb] = await b.waitForRequests(1);
    expect(other.requests).toHaveLength(0);

    const { key } = await hookdesk.revealKey();
    for (const request of [ra, rb]) {
      if (!request) throw new Error('missing request');
      for (const name of WIRE_HEADERS) expect(request.headers[name], name).toBeDefined();
      const body = JSON.parse(request.body.toString('utf8'));
      expect(body).toMatchObject({
        event: 'ticket.created',
        ticket: { id: 42, subject: 'Printer on fire ☃' },
      });
      expect(request.headers['x-hookdesk-uuid']).toBe(body.uuid);
      expect(request.headers['webhook-id']).toBe(body.uuid);
      expect(request.headers['x-hookdesk-attempt']).toBe('1');
      expect(request.headers['user-agent']).toBe(USER_AGENT);
      expect(request.headers['content-length']).toBe(String(request.body.length));
      const logged = await storage.log.get(body.uuid);
      expect(Buffer.from(logged?.body ?? '', 'utf8').equals(request.body)).toBe(true);
    }
    // Webhook a signs with the account key; b with its own.
    expect(ra?.headers['x-hookdesk-signature']).toBe(
      `sha1=${createHmac('sha1', key)
        .update(ra?.body ?? '')
        .digest('hex')}`,
    );
    expect(ra?.headers['x-team']).toBe('ops');
    expect(rb?.headers['x-hookdesk-signature']).not.toBe(
      `sha1=${createHmac('sha1', key)
        .update(rb?.body ?? '')
        .digest('hex')}`,
    );
    const ts = Number(ra?.headers['webhook-timestamp']);
    expect(ra?.headers['webhook-signature']).toBe(
      signStandard(standardSecret(key), ra?.headers['webhook-id'] as string, ts, ra?.body as Buffer),
    );
    expect(wa.hasOwnKey).toBe(false);
  });

  it('resolves once recorded, without waiting for the receiver', async () => {
    const { hookdesk, storage } = await harness();
    const hung = await receiver({ respond: { hang: true } });
    await hookdesk.createWebhook({ url: hung.url, events: ['ticket.updated'] });
    const [uuid] = await hookdesk.ticketUpdated(
      { id: 1, status: 'closed', priority: 'low' },
      { previous: { id: 1, status: 'open', priority: 'low' } },
    );
    const record = await storage.log.get(uuid as string);
    expect(record).toMatchObject({ status: 'pending', attemptCount: 0, event: 'ticket.updated' });
    expect(JSON.parse(record?.body ?? '').changes).toEqual({ status: { old: 'open', new: 'closed' } });
    await hung.waitForRequests(1);
  });

  it('retries on the schedule with the same uuid and attempt 1, 2, 3, then succeeds', async () => {
    const { hookdesk, storage, clock } = await harness();
    const r = await receiver({ respond: [{ status: 500, body: 'boom' }, { status: 503 }, { status: 204 }] });
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const retrying: string[] = [];
    hookdesk.on('delivery.retrying', (e) => retrying.push(e.nextAttemptAt));
    const start = clock.now();
    const [uuid] = await hookdesk.ticketCreated({ id: 7 });
    await r.waitForRequests(1);
    await until(() => retrying.length === 1, 'first retry scheduled');
    expect(retrying[0]).toBe(new Date(start + 5_000).toISOString());

    await clock.advance(4_999);
    expect(r.requests).toHaveLength(1);
    await clock.advance(1);
    await r.waitForRequests(2);
    await until(() => retrying.length === 2, 'second retry scheduled');
    await clock.advance(300_000);
    await r.waitForRequests(3);
    await until(async () => (await storage.log.get(uuid as string))?.status === 'succeeded', 'success');

    expect(r.requests.map((q) => q.headers['x-hookdesk-uuid'])).toEqual([uuid, uuid, uuid]);
    expect(r.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(r.requests.map((q) => q.body.toString())).size).toBe(1);
    const record = await storage.log.get(uuid as string);
    expect(record?.attempts.map((a) => [a.number, a.statusCode, a.responseExcerpt])).toEqual([
      [1, 500, 'boom'],
      [2, 503, null],
      [3, 204, null],
    ]);
    expect(record?.attemptCount).toBe(3);
    expect(record?.nextAttemptAt).toBeNull();
  });

  it('gives up after the last retry, and a resend is one more attempt with no retry', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [1_000, 2_000] });
    const r = await receiver({ respond: { status: 500 } });
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const failed: number[] = [];
    hookdesk.on('delivery.failed', (e) => failed.push(e.attempt));
    const [uuid] = await hookdesk.ticketCreated({ id: 9 });
    await r.waitForRequests(1);
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 1, 'attempt 1 logged');
    await clock.advance(1_000);
    await r.waitForRequests(2);
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 2, 'attempt 2 logged');
    await clock.advance(2_000);
    await r.waitForRequests(3);
    await until(() => failed.length === 1, 'failed');
    expect(failed).toEqual([3]);
    expect((await storage.log.get(uuid as string))?.status).toBe('failed');

    expect(await hookdesk.resend({ ids: [uuid as string, '00000000-0000-4000-8000-000000000000'] })).toEqual([
      { uuid, status: 'queued' },
      { uuid: '00000000-0000-4000-8000-000000000000', status: 'not_found' },
    ]);
    await r.waitForRequests(4);
    await until(() => failed.length === 2, 'resend failed');
    await clock.advance(24 * 3_600_000);
    await settle();
    expect(r.requests).toHaveLength(4);
    expect(r.requests[3]?.headers['x-hookdesk-attempt']).toBe('4');
    expect(r.requests[3]?.headers['x-hookdesk-uuid']).toBe(uuid);
    expect(r.requests[3]?.body.equals(r.requests[0]?.body as Buffer)).toBe(true);
    expect((await storage.log.get(uuid as string))?.status).toBe('failed');

    r.respondWith({ status: 200 });
    await hookdesk.resend({ filter: { status: 'failed' } });
    await r.waitForRequests(5);
    await until(
      async () => (await storage.log.get(uuid as string))?.status === 'succeeded',
      'resend succeeded',
    );
    expect((await storage.log.get(uuid as string))?.attemptCount).toBe(5);
  });

  it('sends retries and resends to the URL as edited since, and logs it', async () => {
    const { hookdesk, storage, clock } = await harness({ retrySchedule: [1_000] });
    const broken = await receiver({ respond: { status: 404 } });
    const fixed = await receiver();
    const webhook = await hookdesk.createWebhook({ url: broken.url, events: ['ticket.created'] });
    const [own] = await hookdesk.ticketCreated({ id: 11, status: 'urgent' });
    await broken.waitForRequests(1);
    await until(async () => (await storage.log.get(own as string))?.attemptCount === 1, 'attempt 1 logged');

    await hookdesk.updateWebhook(webhook.id, { url: fixed.url });
    await clock.advance(1_000);
    await fixed.waitForRequests(1);
    await until(
      async () => (await storage.log.get(own as string))?.status === 'succeeded',
      'retry succeeded',
    );
    expect((await storage.log.get(own as string))?.url).toBe(fixed.url);
    expect(broken.requests).toHaveLength(1);
    expect(fixed.requests.map((q) => q.headers['x-hookdesk-attempt'])).toEqual(['2']);

    // A resend after another edit goes to the newest URL too.
    await hookdesk.updateWebhook(webhook.id, { url: broken.url });
    await hookdesk.resend({ ids: [own as string] });
    await broken.waitForRequests(2);
    await until(async () => (await storage.log.get(own as string))?.status === 'failed', 'resend failed');
    expect((await storage.log.get(own as string))?.url).toBe(broken.url);
  });

  it('waits the larger of Retry-After and the schedule on 429, clamped to the longest delay', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver({ respond: { status: 429, headers: { 'retry-after': '120' } } });
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 1, 'attempt logged');
    const record = await storage.log.get(uuid as string);
    const delay = Date.parse(record?.nextAttemptAt ?? '') - Date.parse(record?.attempts[0]?.at ?? '');
    expect(delay).toBe(120_000);
    expect(DEFAULT_RETRY_SCHEDULE_MS[0]).toBeLessThan(delay);
  });

  it('deactivates the webhook on 410 with the reason, and sends it nothing more', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver({ respond: { status: 410 } });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const deactivated: string[] = [];
    hookdesk.on('webhook.deactivated', (e) => deactivated.push(`${e.webhookId}: ${e.reason}`));
    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    await until(() => deactivated.length === 1, 'deactivation');
    expect(deactivated).toEqual([`${webhook.id}: The receiver answered 410 Gone.`]);
    expect((await storage.log.get(uuid as string))?.status).toBe('failed');
    expect((await storage.webhooks.get(webhook.id))?.deactivatedReason).toBe(
      'The receiver answered 410 Gone.',
    );
    expect((await hookdesk.getWebhook(webhook.id)).active).toBe(false);
    expect(await hookdesk.ticketCreated({ id: 2 })).toEqual([]);
    expect(r.requests).toHaveLength(1);
  });

  it('deactivates a webhook failing without a success for disableAfterMs', async () => {
    const day = 86_400_000;
    const { hookdesk, clock, storage } = await harness({
      retrySchedule: [day, day, day, day, day, day, day],
    });
    const r = await receiver({ respond: { status: 500 } });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const deactivated: string[] = [];
    hookdesk.on('webhook.deactivated', (e) => deactivated.push(e.reason));
    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    for (let n = 1; n <= 5; n++) {
      await r.waitForRequests(n);
      await until(async () => (await storage.log.get(uuid as string))?.nextAttemptAt !== null, `retry ${n}`);
      await until(async () => (await storage.log.get(uuid as string))?.attemptCount === n, `attempt ${n}`);
      expect(deactivated).toEqual([]);
      await clock.advance(day);
    }
    await r.waitForRequests(6);
    await until(() => deactivated.length === 1, 'auto-deactivation');
    expect(deactivated).toEqual(['Failing without a single success for 5 days.']);
    expect((await hookdesk.getWebhook(webhook.id)).active).toBe(false);
  });

  it('records an attempt blocked by the SSRF guard at connect time', async () => {
    const answers = ['93.184.216.34', '127.0.0.1'];
    const { hookdesk, storage } = await harness({
      allowCidrs: [],
      resolve: async () => [{ address: answers.shift() ?? '127.0.0.1', family: 4 }],
    });
    const r = await receiver();
    await hookdesk.createWebhook({ url: `http://rebind.test:${r.port}/hook`, events: ['ticket.created'] });
    const [uuid] = await hookdesk.ticketCreated({ id: 1 });
    await until(async () => (await storage.log.get(uuid as string))?.attemptCount === 1, 'blocked attempt');
    const attempt = (await storage.log.get(uuid as string))?.attempts[0];
    expect(attempt).toMatchObject({
      blocked: true,
      statusCode: null,
      error: 'Refused to connect: rebind.test resolves to 127.0.0.1, a loopback address.',
    });
    expect(r.requests).toHaveLength(0);
  });

  it('holds at most concurrencyPerWebhook attempts in flight to one webhook', async () => {
    const { hookdesk } = await harness({ concurrencyPerWebhook: 3, timeoutMs: 60_000 });
    const r = await receiver({ respond: { hang: true } });
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    for (let i = 0; i < 8; i++) await hookdesk.ticketCreated({ id: i });
    await r.waitForRequests(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.requests).toHaveLength(3);
  });

  it('sends a smart rule delivery to the rule URL, logged with ruleId', async () => {
    const { hookdesk, storage } = await harness();
    const r = await receiver();
    const [uuid] = await hookdesk.emit('smart_rule.triggered', {
      ticket: { id: 5 },
      rule: { id: 'rule-1', name: 'Escalate', url: r.url },
    });
    const [request] = await r.waitForRequests(1);
    expect(JSON.parse(request?.body.toString() ?? '')).toMatchObject({
      event: 'smart_rule.triggered',
      ticket: { id: 5 },
      smart_rule: { id: 'rule-1', name: 'Escalate' },
    });
    expect(await storage.log.get(uuid as string)).toMatchObject({ ruleId: 'rule-1', webhookId: null });
  });
});

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

describe('state shared through the store', () => {
  it('holds due retries while another engine on the store has the global switch off', async () => {
    const a = await harness({ retrySchedule: [5_000] });
    // Another process: it records and switches, it does not send.
    const b = await harness({ storage: a.storage, clock: a.clock, process: false });
    const r = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
    await a.hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const [uuid] = (await a.hookdesk.ticketCreated({ id: 1 })) as [string];
    await until(async () => (await a.storage.log.get(uuid))?.attemptCount === 1, 'the first attempt');

    await b.hookdesk.setActive(false);
    // Past the retry's due time and engine a's settings cache: the retry waits.
    await a.clock.advance(10_000);
    await settle();
    expect(r.requests).toHaveLength(1);
    expect(await a.storage.log.get(uuid)).toMatchObject({ status: 'pending', attemptCount: 1 });

    await b.hookdesk.setActive(true);
    // Engine a looks at the settings every pollIntervalMs (an hour in this harness).
    await a.clock.advance(3_600_000);
    await r.waitForRequests(2);
    await until(async () => (await a.storage.log.get(uuid))?.status === 'succeeded', 'the retry sent');
  });

  it('counts the failure run from after the last success: a success clears failingSince', async () => {
    const day = 86_400_000;
    const { hookdesk, storage, clock } = await harness({ retrySchedule: Array(7).fill(day) });
    // Ticket 2's delivery succeeds; everything else fails.
    const r = await receiver({
      respond: (request) => ({ status: JSON.parse(request.body.toString()).ticket.id === 2 ? 200 : 500 }),
    });
    const webhook = await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    const deactivated: string[] = [];
    hookdesk.on('webhook.deactivated', (e) => deactivated.push(e.reason));
    const health = async () => storage.webhooks.get(webhook.id);

    const [failing] = (await hookdesk.ticketCreated({ id: 1 })) as [string];
    await until(async () => (await health())?.failingSince !== null, 'the first failure');
    await clock.advance(day / 2);
    const [ok] = (await hookdesk.ticketCreated({ id: 2 })) as [string];
    await until(async () => (await storage.log.get(ok))?.status === 'succeeded', 'the success');
    expect((await health())?.failingSince).toBeNull();
    // Ticket 1 keeps failing, once a day, past 5 days after its first failure (4.5 after the success).
    for (let n = 2; n <= 6; n++) {
      await clock.advance(n === 2 ? day / 2 : day);
      await until(async () => (await storage.log.get(failing))?.attemptCount === n, `attempt ${n}`);
    }
    await clock.advance(day / 2);
    const [later] = (await hookdesk.ticketCreated({ id: 3 })) as [string];
    await until(async () => (await storage.log.get(later))?.attemptCount === 1, 'a failure at 5.5 days');
    expect(r.requests).toHaveLength(8);
    expect(deactivated).toEqual([]);
    expect((await hookdesk.getWebhook(webhook.id)).active).toBe(true);
  });
});
