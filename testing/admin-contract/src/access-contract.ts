import { bearerToken } from '@hookdesk/core';
import request from 'supertest';
import { AUTH, type ContractContext, everyRoute, M, send } from './contract-context.js';

/** Who may call the admin API: `authorize` required, 401 and 403 on every route, cross-site writes refused. */
export function accessContract(ctx: ContractContext): void {
  const { describe, it, expect } = ctx.api;
  const { factory, agent } = ctx;
  describe('access', () => {
    it('refuses to mount without authorize, saying how to fix it', async () => {
      await expect(factory.start({ engine: ctx.hookdesk.engine, mountPath: '/x' })).rejects.toThrow(
        /needs an `authorize` option/,
      );
    });

    it('mounts with insecure: true and no authorize', async () => {
      const open = await factory.start({ engine: ctx.hookdesk.engine, mountPath: '/open', insecure: true });
      try {
        const res = await request(open.url).get('/open/api/settings');
        expect(res.status).toBe(200);
      } finally {
        await open.close();
      }
    });

    it('answers 401 without credentials and 403 with wrong ones, in the error shape', async () => {
      const none = await agent().get(`${M}/api/webhooks`);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      expect(none.body.error.message).toMatch(/Bearer/);
      expect(none.body.error.details).toEqual([]);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="Hookdesk admin API"');
      const wrong = await agent().get(`${M}/api/webhooks`).set('authorization', 'Bearer nope');
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('forbidden');
    });

    // Mutation test of issue 11: authorization skipped for one route (/api/settings/key served
    // the account key to anyone) left every other test green.
    it('refuses every route and the OpenAPI document without or with wrong credentials', async () => {
      const routes = everyRoute(ctx.hookdesk.engine);
      expect(routes.length).toBeGreaterThan(20);
      const tokenApp = await factory.start({
        engine: ctx.hookdesk.engine,
        mountPath: M,
        authorize: bearerToken('contract-admin-token-0123456789') as never,
      });
      try {
        for (const { method, path } of routes) {
          const what = `${method} ${path}`;
          const none = await send(request(ctx.app.url), method, `${M}${path}`);
          expect(none.status, what).toBe(401);
          expect(none.headers['www-authenticate'], what).toMatch(/^Bearer realm=/);
          const refused = await send(request(ctx.app.url), method, `${M}${path}`).set(
            'authorization',
            'Bearer nope',
          );
          expect(refused.status, what).toBe(403);
          const mistyped = await send(request(tokenApp.url), method, `${M}${path}`).set(
            'authorization',
            'Bearer contract-admin-token-0123456788',
          );
          expect(mistyped.status, what).toBe(401);
          if (method !== 'HEAD') expect(mistyped.body.error.message, what).toMatch(/admin token is wrong/);
          // And the route exists: with credentials it is served, not "no such route".
          const served = await send(request(ctx.app.url), method, `${M}${path}`).set(AUTH);
          expect([401, 403, 405], what).not.toContain(served.status);
          if (method !== 'HEAD') expect(served.body.error?.message ?? '', what).not.toMatch(/openapi\.json/);
        }
      } finally {
        await tokenApp.close();
      }
    });

    it('tells a mistyped token (401) from a caller who is not allowed (403)', async () => {
      const tokenApp = await factory.start({
        engine: ctx.hookdesk.engine,
        mountPath: M,
        authorize: bearerToken('contract-admin-token-0123456789') as never,
      });
      try {
        const typo = await request(tokenApp.url)
          .get(`${M}/api/settings`)
          .set('authorization', 'Bearer contract-admin-token-012345678');
        expect(typo.status).toBe(401);
        expect(typo.body.error.code).toBe('unauthorized');
        expect(typo.body.error.message).toMatch(/^The admin token is wrong\./);
        expect(typo.body.error.message).not.toMatch(/administrator/);
        expect(typo.headers['www-authenticate']).toBe('Bearer realm="Hookdesk admin API"');
        const right = await request(tokenApp.url)
          .get(`${M}/api/settings`)
          .set('authorization', 'Bearer contract-admin-token-0123456789');
        expect(right.status).toBe(200);
      } finally {
        await tokenApp.close();
      }
    });

    it('refuses cross-site and cross-origin state changes with 403', async () => {
      const crossSite = await agent()
        .patch(`${M}/api/settings`)
        .set(AUTH)
        .set('sec-fetch-site', 'cross-site')
        .send({ active: false });
      expect(crossSite.status).toBe(403);
      expect(crossSite.body.error.code).toBe('cross_site_request');
      const crossOrigin = await agent()
        .patch(`${M}/api/settings`)
        .set(AUTH)
        .set('origin', 'https://evil.example')
        .send({ active: false });
      expect(crossOrigin.status).toBe(403);
      expect(crossOrigin.body.error.message).toContain('https://evil.example');
      const settings = await agent().get(`${M}/api/settings`).set(AUTH);
      expect(settings.body.active).toBe(true);
      const sameOrigin = await agent()
        .patch(`${M}/api/settings`)
        .set(AUTH)
        .set('origin', ctx.app.url)
        .set('sec-fetch-site', 'same-origin')
        .send({ active: false });
      expect(sameOrigin.status).toBe(200);
    });

    it('lets reads through with a foreign Origin (they change nothing)', async () => {
      const res = await agent().get(`${M}/api/settings`).set(AUTH).set('origin', 'https://evil.example');
      expect(res.status).toBe(200);
    });
  });
}
