import request from 'supertest';
import { AUTH, bearer, type ContractContext, M, send } from './contract-context.js';
import type { ContractHookdesk } from './contract-types.js';

/** Over-long ids, cursors and resend bodies on the embedded store, whose keys have a size limit. */
export function embeddedBoundsContract(ctx: ContractContext): void {
  const { describe, it, expect, beforeEach, afterEach } = ctx.api;
  const { factory, harness } = ctx;
  describe('bounds, on the embedded store', () => {
    // lmdb refuses keys over 1,978 bytes: in memory an over-long id is just unknown, on the
    // embedded store (a real host's default) it was a 500 that logged the id in full.
    let embedded: ContractHookdesk;
    let lmdbApp: { url: string; close(): Promise<void> };
    const long = 'a'.repeat(3000);
    const lmdb = () => request(lmdbApp.url);

    beforeEach(async () => {
      embedded = await harness.createHookdesk({ store: 'embedded' });
      lmdbApp = await factory.start({ engine: embedded.engine, mountPath: M, authorize: bearer });
    });

    afterEach(async () => {
      await lmdbApp.close();
      await embedded.close();
    });

    const expectNamed = (res: request.Response, field: string, what: string) => {
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
      expect(
        res.body.error.details.map((d: { path: string }) => d.path),
        what,
      ).toContain(field);
      expect(res.body.error.message, what).toContain(field.split('.').pop()!.replace(/^\d+$/, 'ids'));
      expect(JSON.stringify(res.body), what).not.toContain(long.slice(0, 300));
    };

    it('answers 422 naming the id for an id over 200 characters in a path', async () => {
      const cases: [string, string, string][] = [
        ['DELETE', `/api/webhooks/${long}`, 'id'],
        ['GET', `/api/webhooks/${long}`, 'id'],
        ['PATCH', `/api/webhooks/${long}`, 'id'],
        ['GET', `/api/webhooks/${long}/key`, 'id'],
        ['POST', `/api/webhooks/${long}/test`, 'id'],
        ['GET', `/api/smart-rules/${long}`, 'id'],
        ['DELETE', `/api/smart-rules/${long}`, 'id'],
        ['POST', `/api/smart-rules/${long}/preview`, 'id'],
        ['GET', `/api/logs/${long}`, 'uuid'],
      ];
      for (const [method, path, field] of cases) {
        const res = await send(lmdb(), method, `${M}${path}`).set(AUTH);
        expect(res.status, `${method} ${path.slice(0, 30)}`).toBe(422);
        expectNamed(res, field, `${method} ${path.slice(0, 30)}`);
      }
      const fits = await lmdb()
        .get(`${M}/api/webhooks/${'a'.repeat(200)}`)
        .set(AUTH);
      expect(fits.status).toBe(404);
    });

    it('answers 4xx naming the field for bad or over-long query and resend values', async () => {
      for (const field of ['webhookId', 'ruleId']) {
        const res = await lmdb().get(`${M}/api/logs?${field}=${long}`).set(AUTH);
        expect(res.status, field).toBe(422);
        expectNamed(res, field, field);
      }
      const cursor = await lmdb().get(`${M}/api/logs?cursor=zzz`).set(AUTH);
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.code).toBe('invalid_cursor');
      expectNamed(cursor, 'cursor', 'bad cursor');
      // Well-formed (a version tag and a sort key) but too long for a range bound in lmdb.
      const forged = Buffer.from(`v1:0000000000000:${long}`, 'utf8').toString('base64url');
      const longCursor = await lmdb().get(`${M}/api/logs?cursor=${forged}`).set(AUTH);
      expectNamed(longCursor, 'cursor', 'long cursor');

      const resend = (body: unknown) =>
        lmdb()
          .post(`${M}/api/logs/resend`)
          .set(AUTH)
          .send(body as object);
      const longId = await resend({ ids: [long] });
      expect(longId.status).toBe(422);
      expectNamed(longId, 'ids.0', 'long id');
      const longFilter = await resend({ filter: { webhookId: long } });
      expect(longFilter.status).toBe(422);
      expectNamed(longFilter, 'filter.webhookId', 'long filter id');
    });

    it('says what is wrong with a resend, not "either ids or filter"', async () => {
      const resend = (body: unknown) =>
        lmdb()
          .post(`${M}/api/logs/resend`)
          .set(AUTH)
          .send(body as object);
      const tooMany = await resend({ ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.error.message).toMatch(/ids: Resend at most 1000 deliveries at a time/);
      expect(tooMany.body.error.message).not.toMatch(/not both and not neither/);
      const badStatus = await resend({ filter: { status: 'lost' } });
      expect(badStatus.status).toBe(422);
      expect(badStatus.body.error.message).toMatch(
        /filter\.status: status is one of pending, succeeded, failed/,
      );
      for (const body of [{}, { ids: ['x'], filter: {} }, []]) {
        const res = await resend(body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.message, JSON.stringify(body)).toMatch(/not both and not neither/);
      }
      const unknown = await resend({ ids: ['x'], colour: 'blue' });
      expect(unknown.body.error.message).toMatch(/colour/);
    });
  });
}
