import { settle, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS } from '../src/retry-policy.js';
import { harness, receiver } from './support/setup.js';

// Retries, resends, auto-deactivation and limits of the deliveries ticket events record.
describe('ticket events to deliveries', () => {
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
