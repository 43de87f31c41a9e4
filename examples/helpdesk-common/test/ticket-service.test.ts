import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { afterEach, describe, expect, it } from 'vitest';
import { createTicketOutbox } from '../src/ticket-outbox.js';
import {
  createTicketService,
  MAX_TICKET_DEPTH,
  type TicketEvents,
  TicketInputError,
} from '../src/ticket-service.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function helpdesk() {
  const storage = await createStorage({ store: 'memory' });
  const hookdesk = createHookdesk({ storage, allowPrivateNetworks: true });
  const receiver = await startTestReceiver();
  cleanups.push(async () => {
    await hookdesk.close();
    await storage.close();
    await receiver.close();
  });
  await hookdesk.createWebhook({ url: receiver.url, events: ['ticket.created', 'ticket.updated'] });
  return { storage, hookdesk, receiver };
}

describe('the example ticket service', () => {
  it('records each write with its event and leaves nothing in the outbox', async () => {
    const { storage, hookdesk, receiver } = await helpdesk();
    const tickets = createTicketService(storage.keyv, hookdesk);
    const ticket = await tickets.create({ subject: 'Printer on fire' });
    const change = await tickets.update(String(ticket.id), { status: 'closed' });
    expect(change?.changes).toEqual({ status: { old: null, new: 'closed' } });
    await receiver.waitForRequests(2);
    expect(await createTicketOutbox(storage.keyv).entries()).toEqual([]);
    expect(await tickets.recordUnfinished()).toEqual({ recorded: 0, dropped: 0 });
  });

  it('gives every write of a ticket a later updated_at, even within one millisecond', async () => {
    const { storage, hookdesk } = await helpdesk();
    const frozen = new Date('2026-12-03T10:00:00.000Z');
    const tickets = createTicketService(storage.keyv, hookdesk, { now: () => frozen });
    const ticket = await tickets.create({ subject: 'Same instant' });
    const times = [ticket.updated_at];
    for (let i = 0; i < 3; i++)
      times.push((await tickets.update('1', { note: i }))?.ticket.updated_at as string);
    expect(times).toEqual([
      '2026-12-03T10:00:00.000Z',
      '2026-12-03T10:00:00.001Z',
      '2026-12-03T10:00:00.002Z',
      '2026-12-03T10:00:00.003Z',
    ]);
  });

  it('keeps an event whose recording failed in the outbox, and records it at the next settle', async () => {
    const { storage, hookdesk, receiver } = await helpdesk();
    const failures: string[] = [];
    const down: TicketEvents = {
      ticketCreated: async () => {
        throw new Error('store unavailable');
      },
      ticketUpdated: async () => {
        throw new Error('store unavailable');
      },
    };
    const ticket = await createTicketService(storage.keyv, down, {
      onEventError: (error) => failures.push((error as Error).message),
    }).create({ subject: 'Saved while Hookdesk was down' });
    expect(failures).toEqual(['store unavailable']);
    expect(await createTicketOutbox(storage.keyv).entries()).toHaveLength(1);

    const tickets = createTicketService(storage.keyv, hookdesk);
    expect(await tickets.recordUnfinished()).toEqual({ recorded: 1, dropped: 0 });
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request?.body.toString() ?? '')).toMatchObject({ event: 'ticket.created', ticket });
    expect(await tickets.recordUnfinished()).toEqual({ recorded: 0, dropped: 0 });
  });

  it(`refuses a ticket nested more than ${MAX_TICKET_DEPTH} levels deep before storing anything`, async () => {
    const { storage, hookdesk } = await helpdesk();
    const tickets = createTicketService(storage.keyv, hookdesk);
    let deep: unknown = 'bottom';
    for (let level = 0; level < 5_000; level++) deep = [deep];
    const error = await tickets.create({ subject: 'Deep', deep }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TicketInputError);
    expect((error as Error).message).toBe(
      'The ticket nests objects and lists more than 32 levels deep; flatten it.',
    );
    let fine: unknown = 'bottom';
    for (let level = 0; level < MAX_TICKET_DEPTH - 1; level++) fine = { inner: fine };
    await expect(tickets.create({ subject: 'Deep enough', fine })).resolves.toMatchObject({ id: 1 });
  });
});
