import request from 'supertest';
import { AUTH, bearer, type ContractContext, M, send } from './contract-context.js';

/** The error answers of docs/admin-api.md: 415, 400, 413, 422, 404 and 405, HEAD, and smart rules absent. */
export function badInputContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { factory, harness, agent, createWebhook } = ctx;
  describe('bad input', () => {
    it('answers 415 for a body that is not JSON', async () => {
      const res = await agent()
        .patch(`${M}/api/settings`)
        .set(AUTH)
        .set('content-type', 'text/plain')
        .send('active=false');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      expect(res.body.error.message).toContain('Content-Type: application/json');
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await agent()
        .post(`${M}/api/webhooks`)
        .set(AUTH)
        .set('content-type', 'application/json')
        .send('{"url": ');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('malformed_json');
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await agent()
        .post(`${M}/api/webhooks`)
        .set(AUTH)
        .set('content-type', 'application/json')
        .send(
          JSON.stringify({
            url: ctx.receiver.url,
            events: ['ticket.created'],
            description: 'x'.repeat(1_100_000),
          }),
        );
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('body_too_large');
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(list.body.items).toEqual([]);
    });

    it('answers 422 with details for wrong types, unknown fields, bad URLs and unknown events', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ events: 'ticket.created' }, /events/],
        [{ url: 'ftp://example.com/x' }, /http:\/\/ or https:\/\//],
        [{ url: 'not a url' }, /full URL/],
        [{ events: ['ticket.deleted'] }, /ticket\.created/],
        [{ events: [] }, /at least one event/],
        [{ colour: 'blue' }, /colour/],
        [{ headers: { Host: 'evil.example' } }, /set by Hookdesk/],
        [{ key: 'whsec_short' }, /key/],
      ];
      for (const [body, message] of cases) {
        const res = await createWebhook(body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.message).toMatch(message);
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
      const list = await agent().get(`${M}/api/webhooks`).set(AUTH);
      expect(list.body.items).toEqual([]);
    });

    it('answers 404 for unknown ids and unknown routes, 405 for a wrong method', async () => {
      const webhook = await agent().get(`${M}/api/webhooks/nope`).set(AUTH);
      expect(webhook.status).toBe(404);
      expect(webhook.body.error.code).toBe('not_found');
      const log = await agent().get(`${M}/api/logs/nope`).set(AUTH);
      expect(log.status).toBe(404);
      const route = await agent().get(`${M}/api/nothing-here`).set(AUTH);
      expect(route.status).toBe(404);
      expect(route.body.error.message).toContain('openapi.json');
      const method = await agent().put(`${M}/api/settings`).set(AUTH).send({});
      expect(method.status).toBe(405);
      expect(method.headers.allow).toBe('GET, PATCH, HEAD');
    });

    it('answers every smart-rule route 404 with how to install them, where rules are not installed', async () => {
      const bare = await harness.createHookdesk({ smartRules: false });
      const bareApp = await factory.start({ engine: bare.engine, mountPath: M, authorize: bearer });
      try {
        const id = '00000000-0000-4000-8000-000000000000';
        for (const [method, path] of [
          ['GET', '/api/smart-rules'],
          ['POST', '/api/smart-rules'],
          ['GET', `/api/smart-rules/${id}`],
          ['PATCH', `/api/smart-rules/${id}`],
          ['DELETE', `/api/smart-rules/${id}`],
          ['POST', `/api/smart-rules/${id}/preview`],
          ['HEAD', '/api/smart-rules'],
        ] as const) {
          const what = `${method} ${path}`;
          const res = await send(request(bareApp.url), method, `${M}${path}`).set(AUTH);
          expect(res.status, what).toBe(404);
          if (method === 'HEAD') continue;
          expect(res.body.error.code, what).toBe('not_found');
          expect(res.body.error.message, what).toMatch(/installSmartRules\(hookdesk\)/);
          expect(res.body.error.message, what).toContain('@hookdesk/smart-rules');
        }
        // Their OpenAPI document lists no smart-rule route; the installed engine's lists them all.
        const doc = await request(bareApp.url).get(`${M}/api/openapi.json`).set(AUTH);
        expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/api/smart-rules'))).toEqual([]);
        // Still authorized first: without credentials it is a 401, as for every route.
        expect((await request(bareApp.url).get(`${M}/api/smart-rules`)).status).toBe(401);
      } finally {
        await bareApp.close();
        await bare.close();
      }
    });

    it('answers HEAD on every GET route as GET does, without a body', async () => {
      const created = await createWebhook({});
      for (const path of [
        '/api/settings',
        '/api/webhooks',
        `/api/webhooks/${created.body.id}`,
        '/api/logs',
        '/api/openapi.json',
      ]) {
        const get = await agent().get(`${M}${path}`).set(AUTH);
        const head = await agent().head(`${M}${path}`).set(AUTH);
        expect(head.status, path).toBe(200);
        expect(head.headers['content-type'], path).toBe(get.headers['content-type']);
        expect(head.headers['content-length'], path).toBe(get.headers['content-length']);
        expect(head.text ?? '', path).toBe('');
      }
      const missing = await agent().head(`${M}/api/webhooks/nope`).set(AUTH);
      expect(missing.status).toBe(404);
      const post = await agent().head(`${M}/api/settings/key/rotate`).set(AUTH);
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('POST');
    });

    it('answers 422 for a bad log query', async () => {
      for (const query of [
        'limit=0',
        'limit=501',
        'limit=abc',
        'status=lost',
        'since=yesterday',
        'color=red',
      ]) {
        const res = await agent().get(`${M}/api/logs?${query}`).set(AUTH);
        expect(res.status, query).toBe(422);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  });
}
