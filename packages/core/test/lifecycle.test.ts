import { createStorage } from '@hookdesk/storage';
import { FakeClock, until } from '@hookdesk/test-support';
import { expect, expectTypeOf, it } from 'vitest';
import type { AdminOperations } from '../src/admin/admin-operations.js';
import { createHookdesk, type Hookdesk } from '../src/index.js';
import { receiver } from './support/setup.js';

it('serves every operation the admin API needs', () => {
  expectTypeOf<Hookdesk>().toMatchTypeOf<AdminOperations>();
});

it('close() lets an attempt in flight finish and be recorded, and leaves queued ones for the next start', async () => {
  const storage = await createStorage({ store: 'memory' });
  const clock = new FakeClock();
  const slow = await receiver({
    respond: (_request, index) => (index === 0 ? { status: 200, body: 'slow' } : { status: 200 }),
  });
  const first = createHookdesk({ storage, clock, allowCidrs: ['127.0.0.0/8'], concurrencyPerWebhook: 1 });
  await first.createWebhook({ url: slow.url, events: ['ticket.created'] });
  // With one attempt at a time and a hung receiver, one delivery is in flight and two wait.
  slow.respondWith((_request, index) => (index === 0 ? { hang: true } : { status: 200 }));
  const uuids = await first.ticketCreated({ id: 1 });
  await first.ticketCreated({ id: 2 });
  await first.ticketCreated({ id: 3 });
  await slow.waitForRequests(1);
  const closing = first.close();
  // The in-flight attempt ends at its deadline (fake clock), is recorded, and close() resolves.
  await clock.advance(15_000);
  await closing;
  const inFlight = await storage.log.get(uuids[0] as string);
  expect(inFlight?.attempts[0]?.error).toBe('No complete response within 15000 ms.');
  await expect(first.ticketCreated({ id: 4 })).rejects.toThrow(/closed/);

  const pending = (await storage.log.list({ status: 'pending', limit: 10 })).items;
  expect(pending).toHaveLength(3);
  const second = createHookdesk({ storage, clock, allowCidrs: ['127.0.0.0/8'], pollIntervalMs: 3_600_000 });
  await second.ready();
  await slow.waitForRequests(3);
  await until(
    async () => (await storage.log.list({ status: 'pending', limit: 10 })).items.length === 1,
    'two sent',
  );
  // The retry of the timed-out one, due 5 s ± 20 % after the deadline.
  for (let step = 0; step < 10 && slow.requests.length < 4; step++) {
    await clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await slow.waitForRequests(4);
  await second.close();
  await storage.close();
});
