import { createHmac } from 'node:crypto';
import { signStandard, standardSecret } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS, USER_AGENT } from '../src/index.js';
import { settle } from './support/fake-clock.js';
import { harness, receiver } from './support/setup.js';
import { until } from './support/until.js';

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
  it('fans out to every matching webhook with every WIRE.md header, signed over the bytes sent', async () => {
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
    const rule = await hookdesk.createSmartRule({
      name: 'Escalate',
      conditions: { all: [{ field: 'status', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: broken.url },
    });
    const [own, fired] = await hookdesk.ticketCreated({ id: 11, status: 'urgent' });
    await broken.waitForRequests(2);
    await until(async () => (await storage.log.get(own as string))?.attemptCount === 1, 'attempt 1 logged');
    await until(async () => (await storage.log.get(fired as string))?.attemptCount === 1, 'rule attempt 1');

    await hookdesk.updateWebhook(webhook.id, { url: fixed.url });
    await hookdesk.updateSmartRule(rule.id, { action: { type: 'trigger_webhook', url: fixed.url } });
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
      error: 'Refused to connect: rebind.test resolves to 127.0.0.1 is a loopback address.',
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

  it('refuses a body over maxBodyBytes when the event is recorded', async () => {
    const { hookdesk } = await harness({ maxBodyBytes: 1024 });
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
    await expect(hookdesk.ticketCreated({ id: 1, text: 'x'.repeat(2000) })).rejects.toMatchObject({
      name: 'DeliveryError',
      code: 'body_too_large',
      status: 413,
    });
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
