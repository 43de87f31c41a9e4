import { AUTH, type ContractContext, M } from './contract-context.js';

/** The smart-rule routes an engine with smart rules installed serves, and the deliveries a rule fires. */
export function smartRulesContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent } = ctx;
  describe('smart rules', () => {
    const rule = (overrides: Record<string, unknown> = {}) => ({
      name: 'Urgent tickets',
      description: 'tell the on-call service',
      categories: [],
      workSchedule: null,
      conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
      action: { type: 'trigger_webhook', url: ctx.receiver.url },
      ...overrides,
    });

    it('creates, lists, reads, edits, deactivates and deletes a rule', async () => {
      const created = await agent().post(`${M}/api/smart-rules`).set(AUTH).send(rule());
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'Urgent tickets',
        description: 'tell the on-call service',
        active: true,
        categories: [],
        workSchedule: null,
        conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
        action: { type: 'trigger_webhook', url: ctx.receiver.url },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;
      const list = await agent().get(`${M}/api/smart-rules`).set(AUTH);
      expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
      expect((await agent().get(`${M}/api/smart-rules/${id}`).set(AUTH)).body.name).toBe('Urgent tickets');
      const edited = await agent()
        .patch(`${M}/api/smart-rules/${id}`)
        .set(AUTH)
        .send({ active: false, categories: ['billing'] });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ active: false, categories: ['billing'], name: 'Urgent tickets' });
      expect((await agent().delete(`${M}/api/smart-rules/${id}`).set(AUTH)).status).toBe(204);
      expect((await agent().get(`${M}/api/smart-rules/${id}`).set(AUTH)).status).toBe(404);
      expect((await agent().post(`${M}/api/smart-rules/${id}/preview`).set(AUTH)).status).toBe(404);
    });

    it('answers 422 for rules that break a rule, and stores nothing', async () => {
      const cases: Record<string, unknown>[] = [
        rule({ name: '' }),
        rule({ conditions: { all: [{ field: 'priority', op: 'resembles', value: 'x' }] } }),
        rule({ conditions: { some: [] } }),
        rule({ action: { type: 'send_email', url: ctx.receiver.url } }),
        rule({ action: { type: 'trigger_webhook', url: 'ftp://example.com/x' } }),
        rule({
          workSchedule: { timeZone: 'Mars/Olympus', hours: { mon: [['09:00', '17:00']] }, holidays: [] },
        }),
        rule({ colour: 'blue' }),
      ];
      for (const body of cases) {
        const res = await agent().post(`${M}/api/smart-rules`).set(AUTH).send(body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
      expect((await agent().get(`${M}/api/smart-rules`).set(AUTH)).body.items).toEqual([]);
    });

    it('fires a signed smart_rule.triggered delivery when a ticket event matches, and previews', async () => {
      const created = await agent().post(`${M}/api/smart-rules`).set(AUTH).send(rule());
      const res = await agent()
        .post('/tickets?status=201')
        .send({ id: 11, subject: 'Fire', priority: 'urgent' });
      expect(res.status).toBe(201);
      const [received] = await ctx.receiver.waitForRequests(1);
      expect(received!.headers['x-hookdesk-event']).toBe('smart_rule.triggered');
      expect(JSON.parse(received!.body.toString('utf8'))).toMatchObject({
        event: 'smart_rule.triggered',
        ticket: { id: 11, priority: 'urgent' },
        smart_rule: { id: created.body.id, name: 'Urgent tickets' },
      });
      const logs = await agent().get(`${M}/api/logs?ruleId=${created.body.id}`).set(AUTH);
      expect(logs.body.items).toHaveLength(1);
      expect(logs.body.items[0]).toMatchObject({
        ruleId: created.body.id,
        webhookId: null,
        event: 'smart_rule.triggered',
      });
      const preview = await agent().post(`${M}/api/smart-rules/${created.body.id}/preview`).set(AUTH);
      expect(preview.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(ctx.receiver.requests).toHaveLength(1);
    });
  });
}
