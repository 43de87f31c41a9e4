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
          headers: expect.objectContaining({ 'x-hookdesk-attempt': '1', 'x-hookdesk-uuid': summary.uuid }),
        },
      ]);

      const resent = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [summary.uuid, '00000000-0000-4000-8000-000000000000'] });
      expect(resent.status).toBe(202);
      expect(resent.body).toEqual({
        results: [
          { uuid: summary.uuid, status: 'queued' },
          { uuid: '00000000-0000-4000-8000-000000000000', status: 'not_found' },
        ],
        matched: 1,
        queued: 1,
        capped: false,
      });
      const requests = await ctx.receiver.waitForRequests(4);
      const again = requests[3]!;
      expect(again.headers['x-hookdesk-uuid']).toBe(summary.uuid);
      expect(again.headers['x-hookdesk-attempt']).toBe('2');

      const byFilter = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ filter: { status: 'failed' } });
      expect(byFilter.status).toBe(202);
      expect(byFilter.body).toEqual({ results: [], matched: 0, queued: 0, capped: false });
      const both = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [summary.uuid], filter: {} });
      expect(both.status).toBe(422);
    });

    it('shows in each attempt the headers that went out with it', async () => {
      await createWebhook({ headers: { 'X-Team': 'support' } });
      ctx.receiver.respondWith({ status: 500 });
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      const [first] = await ctx.receiver.waitForRequests(1);
      const uuid = String(first!.headers['x-hookdesk-uuid']);
      // A resend is attempt 2, sent now: its own timestamp and signatures.
      await until(
        async () => (await agent().get(`${M}/api/logs/${uuid}`).set(AUTH)).body.attemptCount,
        (count) => count === 1,
      );
      ctx.receiver.respondWith({ status: 200 });
      await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [uuid] });
      const requests = await ctx.receiver.waitForRequests(2);
      const entry = await until(
        async () => (await agent().get(`${M}/api/logs/${uuid}`).set(AUTH)).body,
        (body) => body.status === 'succeeded',
      );
      expect(entry.attempts).toHaveLength(2);
      for (const [at, attempt] of entry.attempts.entries()) {
        const sent = requests[at]!.headers;
        for (const name of [
          'x-hookdesk-attempt',
          'x-hookdesk-uuid',
          'x-hookdesk-signature',
          'webhook-id',
          'webhook-timestamp',
          'webhook-signature',
          'x-team',
        ]) {
          expect(attempt.headers[name], `attempt ${at + 1}: ${name}`).toBe(sent[name]);
        }
      }
      expect(
        entry.attempts.map((a: { headers: Record<string, string> }) => a.headers['x-hookdesk-attempt']),
      ).toEqual(['1', '2']);
      expect(entry.headers).toEqual(entry.attempts[1].headers);
    });

    it('counts a resend: matched, queued, capped at 1,000, and a dry run that queues nothing', async () => {
      await createWebhook({});
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      await ctx.hookdesk.engine.ticketCreated({ id: 2, subject: 'Two' });
      const settled = await until(
        async () => (await agent().get(`${M}/api/logs?status=succeeded`).set(AUTH)).body.items,
        (items) => items.length === 2,
      );
      const dry = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ filter: { status: 'succeeded' }, dryRun: true });
      expect(dry.status).toBe(202);
      expect(dry.body).toEqual({ results: [], matched: 2, queued: 0, capped: false });
      // A resend makes its deliveries pending before it answers: a dry run leaves them as they were.
      expect((await agent().get(`${M}/api/logs?status=pending`).set(AUTH)).body.items).toEqual([]);
      const byIds = await agent()
        .post(`${M}/api/logs/resend`)
        .set(AUTH)
        .send({ ids: [settled[0].uuid, '00000000-0000-4000-8000-000000000000'], dryRun: true });
      expect(byIds.body).toEqual({ results: [], matched: 1, queued: 0, capped: false });
      const bad = await agent().post(`${M}/api/logs/resend`).set(AUTH).send({ filter: {}, dryRun: 'yes' });
      expect(bad.status).toBe(422);
      expect(bad.body.error.message).toMatch(/dryRun/);

      // Over the cap (1,000 by filter): counted up to it, and `capped` says there were more.
      for (let id = 3; id <= 1001; id++) await ctx.hookdesk.engine.ticketCreated({ id, subject: `T${id}` });
      const many = await agent().post(`${M}/api/logs/resend`).set(AUTH).send({ filter: {}, dryRun: true });
      expect(many.body).toEqual({ results: [], matched: 1000, queued: 0, capped: true });
    }, 60_000);

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
