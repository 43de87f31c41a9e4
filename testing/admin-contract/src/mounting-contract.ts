import request from 'supertest';
import { AUTH, bearer, type ContractContext, M } from './contract-context.js';

/** Where and how the admin API is mounted, and the OpenAPI document it serves there. */
export function mountingContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { factory, agent } = ctx;
  describe('mounting', () => {
    it('works behind the host JSON body parser, at any mount path', async () => {
      const behind = await factory.start({
        engine: ctx.hookdesk.engine,
        mountPath: '/deep/ly/mounted',
        authorize: bearer,
        hostJsonParser: true,
      });
      try {
        const created = await request(behind.url)
          .post('/deep/ly/mounted/api/webhooks')
          .set(AUTH)
          .send({ url: ctx.receiver.url, events: ['ticket.created'] });
        expect(created.status).toBe(201);
        const list = await request(behind.url).get('/deep/ly/mounted/api/webhooks').set(AUTH);
        expect(list.body.items).toHaveLength(1);
        const outside = await request(behind.url).get('/admin/webhooks/api/webhooks').set(AUTH);
        expect(outside.status).toBe(404);
      } finally {
        await behind.close();
      }
    });

    it('honours a smaller body limit', async () => {
      const small = await factory.start({
        engine: ctx.hookdesk.engine,
        mountPath: M,
        authorize: bearer,
        bodyLimit: 64,
      });
      try {
        const res = await request(small.url)
          .post(`${M}/api/webhooks`)
          .set(AUTH)
          .send({ url: ctx.receiver.url, events: ['ticket.created'], description: 'x'.repeat(100) });
        expect(res.status).toBe(413);
      } finally {
        await small.close();
      }
    });

    it('serves an OpenAPI 3.1 document of every route', async () => {
      const res = await agent().get(`${M}/api/openapi.json`).set(AUTH);
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/settings',
          '/api/settings/key',
          '/api/settings/key/rotate',
          '/api/webhooks',
          '/api/webhooks/{id}',
          '/api/webhooks/{id}/test',
          '/api/webhooks/{id}/key',
          '/api/logs',
          '/api/logs/resend',
          '/api/logs/{uuid}',
          '/api/stats',
          '/api/smart-rules',
          '/api/smart-rules/{id}',
          '/api/smart-rules/{id}/preview',
        ]),
      );
      expect(
        res.body.paths['/api/webhooks'].post.requestBody.content['application/json'].schema.properties,
      ).toHaveProperty('url');
      expect(
        res.body.paths['/api/webhooks'].post.responses['201'].content['application/json'].schema.properties,
      ).toHaveProperty('key');
      expect(res.body.paths['/api/webhooks/{id}/key'].get.parameters[0].schema.maxLength).toBe(200);
      expect(res.body.paths['/api/stats'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
        'since',
        'until',
        'webhookId',
        'ruleId',
      ]);
      const stats = res.body.paths['/api/stats'].get.responses['200'].content['application/json'].schema;
      expect(stats.properties.buckets.items.required).toEqual(['start', 'succeeded', 'failed']);
      const resend = res.body.paths['/api/logs/resend'].post;
      expect(Object.keys(resend.responses['202'].content['application/json'].schema.properties)).toEqual([
        'results',
        'matched',
        'queued',
        'capped',
      ]);
      expect(resend.requestBody.content['application/json'].schema.properties).toHaveProperty('dryRun');
      const listed = res.body.paths['/api/webhooks'].get.responses['200'].content['application/json'].schema;
      expect(listed.properties.items.items.required).toEqual(
        expect.arrayContaining(['health', 'deactivatedReason']),
      );
      const entry =
        res.body.paths['/api/logs/{uuid}'].get.responses['200'].content['application/json'].schema;
      expect(entry.properties.attempts.items.required).toContain('headers');
      expect(res.body.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    });
  });
}
