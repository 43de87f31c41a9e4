import request from 'supertest';
import { AUTH, bearer, type ContractContext, M } from './contract-context.js';
import type { ContractEngine } from './contract-types.js';

/** The adapter's ticket hooks on the host's own routes: what is recorded, and host answers kept. */
export function ticketHooksContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { factory, agent, createWebhook } = ctx;
  describe('ticket event hooks', () => {
    const logCount = async () => (await agent().get(`${M}/api/logs`).set(AUTH)).body.items.length as number;

    it('records a delivery for a 2xx answer before the answer completes', async () => {
      await createWebhook({});
      const res = await agent().post('/tickets?status=201').send({ id: 7, subject: 'Hook me' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: 7, subject: 'Hook me' });
      expect(await logCount()).toBe(1);
      const [received] = await ctx.receiver.waitForRequests(1);
      expect(JSON.parse(received!.body.toString('utf8'))).toMatchObject({
        event: 'ticket.created',
        ticket: { id: 7, subject: 'Hook me' },
      });
    });

    it('records ticket.updated with the changes', async () => {
      await createWebhook({});
      const res = await agent().patch('/tickets/9?status=200').send({ status: 'closed' });
      expect(res.status).toBe(200);
      const [received] = await ctx.receiver.waitForRequests(1);
      expect(JSON.parse(received!.body.toString('utf8'))).toMatchObject({
        event: 'ticket.updated',
        ticket: { id: 9, status: 'closed' },
        changes: { status: { old: 'open', new: 'closed' } },
      });
    });

    it('records nothing for 4xx and 5xx answers and leaves host errors untouched', async () => {
      await createWebhook({});
      const bad = await agent().post('/tickets?status=422').send({ subject: '' });
      expect(bad.status).toBe(422);
      const broken = await agent().post('/tickets?status=503').send({ subject: 'x' });
      expect(broken.status).toBe(503);
      const exploded = await agent().post('/tickets/explode').send({ subject: 'x' });
      expect(exploded.status).toBe(500);
      expect(exploded.body).toEqual({ host: 'error' });
      expect(await logCount()).toBe(0);
    });

    it('keeps the host success when Hookdesk fails, reporting through onError', async () => {
      const errors: unknown[] = [];
      const failing: ContractEngine = {
        ticketCreated: async () => {
          throw new Error('store down');
        },
        ticketUpdated: async () => undefined,
      };
      const host = await factory.start({
        engine: failing,
        mountPath: M,
        authorize: bearer,
        onTicketEventError: (error) => errors.push(error),
      });
      try {
        const res = await request(host.url).post('/tickets?status=201').send({ id: 1, subject: 'ok' });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ id: 1, subject: 'ok' });
        expect(errors).toHaveLength(1);
        expect((errors[0] as Error).message).toBe('store down');
      } finally {
        await host.close();
      }
    });
  });
}
