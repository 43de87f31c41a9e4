import fc from 'fast-check';
import { AUTH, type ContractContext, M } from './contract-context.js';

/** Arbitrary JSON at every write route: never a 500, never a half-written webhook or rule. */
export function writeFuzzContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { agent, createWebhook } = ctx;
  describe('arbitrary JSON at every write route', () => {
    const ALLOWED = [200, 201, 202, 400, 404, 409, 413, 415, 422];
    const webhookLike = fc.record(
      {
        url: fc.oneof(fc.webUrl(), fc.jsonValue(), fc.constant('http://127.0.0.1:9/x')),
        events: fc.oneof(fc.subarray(['ticket.created', 'ticket.updated', 'ticket.deleted']), fc.jsonValue()),
        active: fc.oneof(fc.boolean(), fc.jsonValue()),
        name: fc.oneof(fc.string(), fc.jsonValue()),
        description: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()),
        headers: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.jsonValue()),
        key: fc.oneof(fc.constant('generate'), fc.constant(null), fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      webhookLike,
      fc.record({ active: fc.jsonValue() }, { requiredKeys: [] }),
    );
    const resendBody = fc.oneof(
      fc.jsonValue(),
      fc.record({ ids: fc.oneof(fc.array(fc.uuid()), fc.jsonValue()) }, { requiredKeys: [] }),
      fc.record({
        filter: fc.oneof(fc.record({ status: fc.string(), since: fc.string() }), fc.jsonValue()),
      }),
    );

    it('never answers 500 and never stores a half-written webhook', async () => {
      const existing = await createWebhook({ name: 'kept' });
      const before = (await agent().get(`${M}/api/webhooks/${existing.body.id}`).set(AUTH)).body;
      const createdIds = new Set<string>([existing.body.id]);
      await fc.assert(
        fc.asyncProperty(body, async (input) => {
          const payload = JSON.stringify(input);
          const created = await agent()
            .post(`${M}/api/webhooks`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(payload);
          expect(ALLOWED).toContain(created.status);
          if (created.status === 201) createdIds.add(created.body.id);
          else expect(created.body.error.message.length).toBeGreaterThan(10);
          const patched = await agent()
            .patch(`${M}/api/webhooks/${existing.body.id}`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(payload);
          expect(ALLOWED).toContain(patched.status);
          if (patched.status === 200) {
            await agent().delete(`${M}/api/webhooks/${existing.body.id}`).set(AUTH);
            const again = await createWebhook({ name: 'kept' });
            createdIds.delete(existing.body.id);
            existing.body.id = again.body.id;
            createdIds.add(again.body.id);
          } else {
            const after = (await agent().get(`${M}/api/webhooks/${existing.body.id}`).set(AUTH)).body;
            expect(after).toEqual({
              ...before,
              id: existing.body.id,
              createdAt: after.createdAt,
              updatedAt: after.updatedAt,
              health: after.health,
            });
          }
          const settings = await agent()
            .patch(`${M}/api/settings`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(payload);
          expect(ALLOWED).toContain(settings.status);
          if (settings.status === 200)
            await agent().patch(`${M}/api/settings`).set(AUTH).send({ active: true });
        }),
        { numRuns: 40 },
      );
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(new Set(list.body.items.map((w: { id: string }) => w.id))).toEqual(createdIds);
    });

    it('never answers 500 to a smart rule write, and stores only whole rules', async () => {
      const ruleLike = fc.record(
        {
          name: fc.oneof(fc.string(), fc.jsonValue()),
          description: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()),
          active: fc.oneof(fc.boolean(), fc.jsonValue()),
          categories: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
          workSchedule: fc.oneof(
            fc.constant(null),
            fc.record({
              timeZone: fc.constantFrom('Europe/Berlin', 'Nowhere/Else'),
              hours: fc.jsonValue(),
            }),
            fc.jsonValue(),
          ),
          conditions: fc.oneof(
            fc.record({
              all: fc.array(fc.record({ field: fc.string(), op: fc.string(), value: fc.jsonValue() })),
            }),
            fc.jsonValue(),
          ),
          action: fc.oneof(
            fc.record({ type: fc.constant('trigger_webhook'), url: fc.constant('http://127.0.0.1:9/r') }),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      );
      const created = new Set<string>();
      const kept = await agent()
        .post(`${M}/api/smart-rules`)
        .set(AUTH)
        .send({
          name: 'kept',
          conditions: { all: [] },
          action: { type: 'trigger_webhook', url: 'http://127.0.0.1:9/r' },
        });
      expect(kept.status).toBe(201);
      created.add(kept.body.id);
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue(), ruleLike), async (input) => {
          const payload = JSON.stringify(input);
          const post = await agent()
            .post(`${M}/api/smart-rules`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(payload);
          expect(ALLOWED).toContain(post.status);
          if (post.status === 201) created.add(post.body.id);
          const patch = await agent()
            .patch(`${M}/api/smart-rules/${kept.body.id}`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(payload);
          expect(ALLOWED).toContain(patch.status);
          if (patch.status !== 200) {
            const after = (await agent().get(`${M}/api/smart-rules/${kept.body.id}`).set(AUTH)).body;
            expect(after.name).toBe(kept.body.name);
            expect(after.action).toEqual(kept.body.action);
          } else {
            kept.body = patch.body;
          }
        }),
        { numRuns: 40 },
      );
      const list = await agent().get(`${M}/api/smart-rules`).set(AUTH);
      expect(new Set(list.body.items.map((r: { id: string }) => r.id))).toEqual(created);
    });

    it('never answers 500 to a resend', async () => {
      await fc.assert(
        fc.asyncProperty(resendBody, async (input) => {
          const res = await agent()
            .post(`${M}/api/logs/resend`)
            .set(AUTH)
            .set('content-type', 'application/json')
            .send(JSON.stringify(input));
          expect(ALLOWED).toContain(res.status);
        }),
        { numRuns: 40 },
      );
    });
  });
}
