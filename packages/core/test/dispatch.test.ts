import { createHmac } from 'node:crypto';
import { signStandard, standardSecret } from '@hookdesk/wire';
import { describe, expect, it } from 'vitest';
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
