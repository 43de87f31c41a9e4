import { AUTH, type ContractContext, M, until } from './contract-context.js';

/** The delivery log: listing, filters, pages, one entry, resends, and the global switch refusing them. */
export function logsContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent, createWebhook } = ctx;
  describe('logs and resend', () => {
    it('lists, filters, paginates, shows and resends deliveries', async () => {
      const created = await createWebhook({});
      ctx.receiver.respondWith({ status: 200, body: 'thanks' });
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      await ctx.hookdesk.engine.ticketCreated({ id: 2, subject: 'Two' });
      await ctx.hookdesk.engine.ticketCreated({ id: 3, subject: 'Three' });
      await ctx.receiver.waitForRequests(3);
      const all = await until(
        async () => (await agent().get(`${M}/api/logs`).set(AUTH)).body,
        (body) =>
          body.items.length === 3 && body.items.every((i: { status: string }) => i.status === 'succeeded'),
      );
      expect(all.items).toHaveLength(3);
      expect(all.nextCursor).toBeNull();
      const summary = all.items[0];
      expect(summary).toEqual({
        uuid: expect.any(String),
        event: 'ticket.created',
        webhookId: created.body.id,
        ruleId: null,
        url: ctx.receiver.url,
        status: 'succeeded',
        attemptCount: 1,
        createdAt: expect.any(String),
        lastAttemptAt: expect.any(String),
        nextAttemptAt: null,
        lastStatusCode: 200,
      });
      const first = await agent().get(`${M}/api/logs?limit=2`).set(AUTH);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await agent()
        .get(`${M}/api/logs?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
        .set(AUTH);
      expect(second.body.items).toHaveLength(1);
      const uuids = [...first.body.items, ...second.body.items].map((i: { uuid: string }) => i.uuid);
      expect(new Set(uuids).size).toBe(3);
      const failed = await agent().get(`${M}/api/logs?status=failed`).set(AUTH);
      expect(failed.body.items).toEqual([]);
      const byWebhook = await agent()
        .get(`${M}/api/logs?webhookId=${created.body.id}&event=ticket.created`)
        .set(AUTH);
      expect(byWebhook.body.items).toHaveLength(3);

      const entry = await agent().get(`${M}/api/logs/${summary.uuid}`).set(AUTH);
      expect(entry.status).toBe(200);
      expect(JSON.parse(entry.body.body).uuid).toBe(summary.uuid);
      expect(entry.body.signature).toMatch(/^sha1=[0-9a-f]{40}$/);
      expect(entry.body.attempts).toEqual([
        {
          number: 1,
          at: expect.any(String),
          durationMs: expect.any(Number),
          statusCode: 200,
          responseExcerpt: 'thanks',
          error: null,
          blocked: false,
        },
      ]);

      const resent = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [summary.uuid, '00000000-0000-4000-8000-000000000000'] });
      expect(resent.status).toBe(202);
      expect(resent.body.results).toEqual([
        { uuid: summary.uuid, status: 'queued' },
        { uuid: '00000000-0000-4000-8000-000000000000', status: 'not_found' },
      ]);
      const requests = await ctx.receiver.waitForRequests(4);
      const again = requests[3]!;
      expect(again.headers['x-hookdesk-uuid']).toBe(summary.uuid);
      expect(again.headers['x-hookdesk-attempt']).toBe('2');

      const byFilter = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ filter: { status: 'failed' } });
      expect(byFilter.status).toBe(202);
      expect(byFilter.body.results).toEqual([]);
      const both = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [summary.uuid], filter: {} });
      expect(both.status).toBe(422);
    });

    it('refuses resends and test deliveries with 409 while the global switch is off', async () => {
      const created = await createWebhook({});
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      const [delivered] = await ctx.receiver.waitForRequests(1);
      await agent().patch(`${M}/api/settings`).set(AUTH).send({ active: false });
      const test = await agent().post(`${M}/api/webhooks/${created.body.id}/test`).set(AUTH);
      expect(test.status).toBe(409);
      expect(test.body.error.code).toBe('conflict');
      const resend = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [delivered!.headers['x-hookdesk-uuid']] });
      expect(resend.status).toBe(409);
      await ctx.hookdesk.engine.ticketCreated({ id: 2, subject: 'Two, while off' });
      const logs = await agent().get(`${M}/api/logs`).set(AUTH);
      expect(logs.body.items).toHaveLength(1);
    });
  });
}
