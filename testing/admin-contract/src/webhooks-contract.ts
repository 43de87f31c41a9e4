import { AUTH, type ContractContext, M, until } from './contract-context.js';

/** Webhook CRUD, the keys a webhook may have (never shown back), and the signed test delivery. */
export function webhooksContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent, createWebhook } = ctx;
  describe('webhooks', () => {
    it('creates, lists, reads, edits, deactivates and deletes a webhook', async () => {
      const created = await createWebhook({
        name: 'CRM',
        description: 'sync tickets',
        headers: { 'X-Team': 'a' },
      });
      expect(created.status).toBe(201);
      const webhook = created.body;
      expect(webhook).toEqual({
        id: expect.any(String),
        url: ctx.receiver.url,
        events: ['ticket.created', 'ticket.updated'],
        active: true,
        name: 'CRM',
        description: 'sync tickets',
        headers: { 'x-team': 'a' },
        hasOwnKey: false,
        health: { successRate: null, lastFailureAt: null, lastSuccessAt: null },
        deactivatedReason: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(list.body.items).toEqual([webhook]);
      const one = await agent().get(`${M}/api/webhooks/${webhook.id}`).set(AUTH);
      expect(one.body).toEqual(webhook);
      const edited = await agent()
        .patch(`${M}/api/webhooks/${webhook.id}`)
        .set(AUTH)
        .send({ events: ['ticket.updated'], active: false });
      expect(edited.status).toBe(200);
      expect(edited.body.events).toEqual(['ticket.updated']);
      expect(edited.body.active).toBe(false);
      expect(edited.body.name).toBe('CRM');
      const deleted = await agent().delete(`${M}/api/webhooks/${webhook.id}`).set(AUTH);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      const gone = await agent().get(`${M}/api/webhooks/${webhook.id}`).set(AUTH);
      expect(gone.status).toBe(404);
    });

    it('shows health and deactivatedReason in the list and in one webhook', async () => {
      const created = await createWebhook({});
      const listed = async () => {
        const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
        expect(list.status).toBe(200);
        return list.body.items.find((w: { id: string }) => w.id === created.body.id);
      };
      await ctx.hookdesk.engine.ticketCreated({ id: 1, subject: 'One' });
      // The webhook's health is written just after the attempt's log entry: wait for both.
      const healthy = await until(
        listed,
        (w) => w.health.successRate === 1 && w.health.lastSuccessAt !== null,
      );
      expect(healthy.health).toEqual({
        successRate: 1,
        lastFailureAt: null,
        lastSuccessAt: expect.any(String),
      });
      expect(healthy.deactivatedReason).toBeNull();

      // A 410: failed, and Hookdesk deactivates the webhook, saying why.
      ctx.receiver.respondWith({ status: 410 });
      await ctx.hookdesk.engine.ticketCreated({ id: 2, subject: 'Two' });
      const gone = await until(listed, (w) => w.active === false && w.health.successRate === 0.5);
      expect(gone).toMatchObject({
        active: false,
        deactivatedReason: expect.stringContaining('410'),
        health: { successRate: 0.5, lastFailureAt: expect.any(String), lastSuccessAt: expect.any(String) },
      });
      const one = await agent().get(`${M}/api/webhooks/${created.body.id}`).set(AUTH);
      expect(one.body).toEqual(gone);
      // Reactivated: the reason goes.
      const reactivated = await agent()
        .patch(`${M}/api/webhooks/${created.body.id}`)
        .set(AUTH)
        .send({ active: true });
      expect(reactivated.body.deactivatedReason).toBeNull();
      expect(reactivated.body.health.successRate).toBe(0.5);
    });

    it('never returns a key the admin gave', async () => {
      const given = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const created = await createWebhook({ key: given });
      expect(created.body.hasOwnKey).toBe(true);
      expect(created.body).not.toHaveProperty('key');
      const one = await agent().get(`${M}/api/webhooks/${created.body.id}`).set(AUTH);
      expect(one.body).not.toHaveProperty('key');
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(JSON.stringify(list.body)).not.toContain(given);
      const edited = await agent()
        .patch(`${M}/api/webhooks/${created.body.id}`)
        .set(AUTH)
        .send({ key: given });
      expect(edited.body).not.toHaveProperty('key');
      const dropped = await agent()
        .patch(`${M}/api/webhooks/${created.body.id}`)
        .set(AUTH)
        .send({ key: null });
      expect(dropped.body.hasOwnKey).toBe(false);
      expect(dropped.body).not.toHaveProperty('key');
    });

    it('returns a generated key once, then only from GET …/:id/key', async () => {
      const created = await createWebhook({ key: 'generate' });
      expect(created.status).toBe(201);
      expect(created.body.hasOwnKey).toBe(true);
      expect(created.body.key).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      const one = await agent().get(`${M}/api/webhooks/${created.body.id}`).set(AUTH);
      expect(one.body).not.toHaveProperty('key');
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      const revealed = await agent().get(`${M}/api/webhooks/${created.body.id}/key`).set(AUTH);
      expect(revealed.status).toBe(200);
      expect(revealed.body).toEqual({ key: created.body.key });

      // The generated key signs: a test delivery verifies with it.
      const test = await agent().post(`${M}/api/webhooks/${created.body.id}/test`).set(AUTH);
      const [received] = await ctx.receiver.waitForRequests(1);
      expect(received!.headers['x-hookdesk-uuid']).toBe(test.body.uuid);
      const secret = Buffer.from(created.body.key.slice('whsec_'.length), 'base64');
      const { createHmac } = await import('node:crypto');
      const id = received!.headers['webhook-id'];
      const timestamp = received!.headers['webhook-timestamp'];
      const signed = createHmac('sha256', secret)
        .update(`${id}.${timestamp}.${received!.body.toString('utf8')}`)
        .digest('base64');
      expect(String(received!.headers['webhook-signature']).split(' ')).toContain(`v1,${signed}`);

      const regenerated = await agent()
        .patch(`${M}/api/webhooks/${created.body.id}`)
        .set(AUTH)
        .send({ key: 'generate' });
      expect(regenerated.status).toBe(200);
      expect(regenerated.body.key).toMatch(/^whsec_/);
      expect(regenerated.body.key).not.toBe(created.body.key);
      const again = await agent().get(`${M}/api/webhooks/${created.body.id}/key`).set(AUTH);
      expect(again.body).toEqual({ key: regenerated.body.key });
      const renamed = await agent()
        .patch(`${M}/api/webhooks/${created.body.id}`)
        .set(AUTH)
        .send({ name: 'x' });
      expect(renamed.body).not.toHaveProperty('key');

      await agent().patch(`${M}/api/webhooks/${created.body.id}`).set(AUTH).send({ key: null });
      const accountSigned = await agent().get(`${M}/api/webhooks/${created.body.id}/key`).set(AUTH);
      expect(accountSigned.status).toBe(404);
      expect(accountSigned.body.error.message).toMatch(/account key/);
      const missing = await agent().get(`${M}/api/webhooks/nope/key`).set(AUTH);
      expect(missing.status).toBe(404);
    });

    it('sends a signed test delivery and answers with its log entry', async () => {
      const created = await createWebhook({ name: 'Test me' });
      const res = await agent().post(`${M}/api/webhooks/${created.body.id}/test`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body.event).toBe('webhook.test');
      expect(res.body.webhookId).toBe(created.body.id);
      const [received] = await ctx.receiver.waitForRequests(1);
      expect(received!.headers['x-hookdesk-event']).toBe('webhook.test');
      expect(received!.headers['x-hookdesk-signature']).toBe(res.body.signature);
      expect(JSON.parse(received!.body.toString('utf8'))).toMatchObject({
        uuid: res.body.uuid,
        event: 'webhook.test',
        webhook: { id: created.body.id, name: 'Test me' },
      });
    });
  });
}
