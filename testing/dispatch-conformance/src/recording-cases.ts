import type { ReceivedRequest } from '@hookdesk/test-receivers';
import { signSha1, signStandard } from '@hookdesk/wire';
import { type DispatchContext, settled, sleep } from './dispatch-context.js';

/** Recording: fan-out and its signed headers, a delivery queued once however often it is recorded. */
export function recordingCases(ctx: DispatchContext): void {
  const { describe, it, expect } = ctx.test;

  describe('recording and fan-out', () => {
    it('fans out to every matching webhook, attempt 1, signed over the bytes sent', async () => {
      const setup = await ctx.open();
      const a = await ctx.receiver();
      const b = await ctx.receiver();
      const other = await ctx.receiver();
      await setup.recorder.createWebhook({
        url: a.url,
        events: ['ticket.created'],
        headers: { 'X-Team': 'ops' },
      });
      const own = await setup.recorder.createWebhook({
        url: b.url,
        events: ['ticket.created', 'ticket.updated'],
        key: 'generate',
      });
      await setup.recorder.createWebhook({ url: other.url, events: ['ticket.updated'] });
      await setup.recorder.createWebhook({ url: other.url, events: ['ticket.created'], active: false });
      await setup.propagated();

      const uuids = await setup.recorder.ticketCreated({ id: 42, subject: 'Printer on fire ☃' });
      expect(uuids).toHaveLength(2);
      for (const uuid of uuids) await settled(setup.recorder, uuid, `delivery ${uuid}`);
      expect(a.requests).toHaveLength(1);
      expect(b.requests).toHaveLength(1);
      expect(other.requests).toHaveLength(0);

      const { key } = await setup.recorder.revealKey();
      const signed: [ReceivedRequest, string][] = [
        [a.requests[0] as ReceivedRequest, key],
        [b.requests[0] as ReceivedRequest, own.key as string],
      ];
      for (const [request, signingKey] of signed) {
        const body = JSON.parse(request.body.toString('utf8'));
        expect(body).toMatchObject({
          event: 'ticket.created',
          ticket: { id: 42, subject: 'Printer on fire ☃' },
        });
        expect(uuids).toContain(body.uuid);
        expect(request.headers['x-hookdesk-uuid']).toBe(body.uuid);
        expect(request.headers['webhook-id']).toBe(body.uuid);
        expect(request.headers['x-hookdesk-event']).toBe('ticket.created');
        expect(request.headers['x-hookdesk-attempt']).toBe('1');
        expect(request.headers['content-length']).toBe(String(request.body.length));
        expect(request.headers['x-hookdesk-signature']).toBe(signSha1(signingKey, request.body));
        const timestamp = Number(request.headers['webhook-timestamp']);
        expect(request.headers['webhook-signature']).toBe(
          signStandard(signingKey, body.uuid, timestamp, request.body),
        );
        const logged = await setup.recorder.getLog(body.uuid);
        expect(logged.status).toBe('succeeded');
        expect(Buffer.from(logged.body, 'utf8').equals(request.body)).toBe(true);
      }
      expect(a.requests[0]?.headers['x-team']).toBe('ops');
    });

    it('sends what is recorded the moment after its webhook was created', async () => {
      const setup = await ctx.open();
      const r = await ctx.receiver();
      await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      const [uuid] = (await setup.recorder.ticketCreated({ id: 1 })) as [string];
      await settled(setup.recorder, uuid, 'the first attempt');
      const { status, attemptCount, error } = await setup.recorder.getLog(uuid);
      // Not `failed` unsent, the webhook taken for deleted by a deliverer that had not heard of it.
      expect({ status, attemptCount, error }).toEqual({
        status: 'succeeded',
        attemptCount: 1,
        error: undefined,
      });
      expect(r.requests).toHaveLength(1);
    });

    it('queues and sends an event recorded twice under one eventId once', async () => {
      const setup = await ctx.open();
      const r = await ctx.receiver();
      await setup.recorder.createWebhook({ url: r.url, events: ['ticket.created'] });
      await setup.propagated();
      const ticket = { id: 7, subject: 'Recorded twice' };
      const event = { eventId: 'outbox-row-7', createdAt: new Date().toISOString() };

      // Two web processes draining one outbox at once.
      const [first, again] = await Promise.all([
        setup.recorder.ticketCreated(ticket, event),
        setup.recorder.ticketCreated(ticket, event),
      ]);
      expect(first).toHaveLength(1);
      expect(again).toEqual(first);
      const [uuid] = first as [string];
      await settled(setup.recorder, uuid, 'the attempt');
      // The outbox drained once more after a crash, the delivery long sent.
      expect(await setup.recorder.ticketCreated(ticket, event)).toEqual(first);
      await sleep(300);
      await setup.propagated();
      expect(r.requests.map((request) => request.headers['x-hookdesk-uuid'])).toEqual([uuid]);
      expect(await setup.recorder.getLog(uuid)).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    });
  });
}
