import { settle, until } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { deliveryUuidFor, nameBasedUuid } from '../src/event-id.js';
import { recordTicketEvent } from '../src/index.js';
import { harness, receiver } from './support/setup.js';

describe('delivery uuids derived from an eventId', () => {
  it('are RFC 9562 version 5 uuids (the RFC test vector: the DNS name-space)', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(nameBasedUuid('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('are the same for the same event and target, and differ for any other', () => {
    const webhook = { webhookId: 'w1', ruleId: null };
    const uuid = deliveryUuidFor('outbox-1', webhook);
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deliveryUuidFor('outbox-1', { ...webhook })).toBe(uuid);
    const others = [
      deliveryUuidFor('outbox-2', webhook),
      deliveryUuidFor('outbox-1', { webhookId: 'w2', ruleId: null }),
      deliveryUuidFor('outbox-1', { webhookId: null, ruleId: 'w1' }),
      // The parts cannot run into each other.
      deliveryUuidFor('outbox-1","w1', { webhookId: null, ruleId: null }),
    ];
    expect(new Set([uuid, ...others]).size).toBe(5);
  });
});

describe('recording an event again under its eventId', () => {
  it('records nothing new and resolves with the same uuids, even after it was delivered', async () => {
    const { hookdesk, storage } = await harness();
    const a = await receiver();
    const b = await receiver();
    await hookdesk.createWebhook({ url: a.url, events: ['ticket.created'] });
    await hookdesk.createWebhook({ url: b.url, events: ['ticket.created'] });
    const ticket = { id: 3, subject: 'Printer on fire' };
    const first = await hookdesk.ticketCreated(ticket, { eventId: 'outbox-17' });
    expect(first).toHaveLength(2);
    for (const uuid of first) {
      await until(async () => (await storage.log.get(uuid))?.status === 'succeeded', 'delivered');
    }
    const again = await hookdesk.ticketCreated(ticket, { eventId: 'outbox-17' });
    expect(again).toEqual(first);
    await settle();
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(1);
    for (const uuid of first) expect((await storage.log.get(uuid))?.status).toBe('succeeded');
    expect((await hookdesk.listLogs()).items).toHaveLength(2);

    // Another event of the same ticket is another delivery.
    expect(await hookdesk.ticketCreated(ticket, { eventId: 'outbox-18' })).not.toEqual(first);
    expect((await hookdesk.listLogs()).items).toHaveLength(4);
  });

  it('passes the eventId a route selects on to the engine', async () => {
    const { hookdesk } = await harness();
    const r = await receiver();
    await hookdesk.createWebhook({ url: r.url, events: ['ticket.created', 'ticket.updated'] });
    const errors: unknown[] = [];
    const ticket = { id: 4, status: 'open' };
    for (let i = 0; i < 2; i++) {
      await recordTicketEvent(hookdesk, 'ticket.created', { ticket, eventId: 'c-4' }, (e) => errors.push(e));
      await recordTicketEvent(
        hookdesk,
        'ticket.updated',
        { ticket: { ...ticket, status: 'closed' }, previous: ticket, eventId: 'u-4' },
        (e) => errors.push(e),
      );
    }
    await r.waitForRequests(2);
    await settle();
    expect(errors).toEqual([]);
    expect(r.requests.map((q) => q.headers['x-hookdesk-event'])).toEqual([
      'ticket.created',
      'ticket.updated',
    ]);
    expect(JSON.parse(r.requests[1]?.body.toString() ?? '').changes).toEqual({
      status: { old: 'open', new: 'closed' },
    });
  });

  it('refuses an eventId that is not a short string with a TypeError naming it', async () => {
    const { hookdesk } = await harness();
    for (const eventId of ['', 'x'.repeat(201), 42]) {
      await expect(hookdesk.ticketCreated({ id: 1 }, { eventId: eventId as string })).rejects.toThrow(
        /^`eventId` must be a non-empty string of at most 200 characters/,
      );
      await expect(hookdesk.ticketUpdated({ id: 1 }, { eventId: eventId as string })).rejects.toThrow(
        TypeError,
      );
    }
  });
});
