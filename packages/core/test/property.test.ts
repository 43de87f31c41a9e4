import { createHmac } from 'node:crypto';
import { signStandard, standardSecret } from '@hookdesk/wire';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { harness, receiver } from './support/setup.js';

it('sends exactly the bytes it signed and logged, for full-Unicode tickets', async () => {
  const { hookdesk, storage } = await harness();
  const r = await receiver();
  await hookdesk.createWebhook({ url: r.url, events: ['ticket.created'] });
  const { key } = await hookdesk.revealKey();
  const ticket = fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ stringUnit: 'binary' }));
  await fc.assert(
    fc.asyncProperty(ticket, async (t) => {
      const [uuid] = await hookdesk.ticketCreated(t);
      const request = (await r.waitForRequests(r.requests.length + 1)).find(
        (q) => q.headers['x-hookdesk-uuid'] === uuid,
      );
      if (!request) throw new Error('not received');
      const logged = await storage.log.get(uuid as string);
      expect(Buffer.from(logged?.body ?? '', 'utf8').equals(request.body)).toBe(true);
      expect(request.headers['x-hookdesk-signature']).toBe(
        `sha1=${createHmac('sha1', key).update(request.body).digest('hex')}`,
      );
      const id = request.headers['webhook-id'] as string;
      const ts = Number(request.headers['webhook-timestamp']);
      expect(request.headers['webhook-signature']).toBe(
        signStandard(standardSecret(key), id, ts, request.body),
      );
      expect(JSON.parse(request.body.toString('utf8')).ticket).toEqual(JSON.parse(JSON.stringify(t)));
    }),
    { numRuns: 40 },
  );
});
