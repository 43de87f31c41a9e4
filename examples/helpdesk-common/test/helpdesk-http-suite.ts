import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'http-suite-admin-token-0123';
const KiB = 1024;

/**
 * What both example helpdesks answer to input at and past their edges (issue 11, defects 2, 6 and
 * 8), driven against the example started as a user starts it. Shared, since Express and Koa must
 * behave the same.
 */
export function helpdeskHttpSuite(name: string, dir: string): void {
  describe(`${name}: answers at the edges`, () => {
    let dataDir: string;
    let app: ExampleProcess;
    let receiver: TestReceiver;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-http-'));
      receiver = await startTestReceiver();
      app = await startExample(dir, {
        HOOKDESK_DATA_DIR: dataDir,
        HOOKDESK_ADMIN_TOKEN: TOKEN,
        HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
      });
    });

    afterAll(async () => {
      await app?.stop('SIGKILL');
      await receiver?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const call = async (method: string, path: string, body?: string, admin = false) => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (admin) headers.authorization = `Bearer ${TOKEN}`;
      const res = await fetch(`${app.url}${path}`, { method, headers, body });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // Left null: the assertions on `json` say what was expected.
      }
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        allow: res.headers.get('allow'),
        json,
        text,
      };
    };
    const ticket = (fields: Record<string, unknown>) => JSON.stringify({ subject: 'Edge', ...fields });

    it('answers 413 in the error shape for a ticket body over its limit', async () => {
      const res = await call('POST', '/api/tickets', ticket({ notes: 'x'.repeat(200 * KiB) }));
      expect(res.status).toBe(413);
      expect(res.json).toEqual({
        error: {
          code: 'payload_too_large',
          message:
            "The request body is over the helpdesk's 100 KiB limit; send a smaller ticket (or the change alone, with PATCH).",
        },
      });
    });

    it('answers 422 for JSON nested 5,000 deep, and 400 for JSON that does not parse', async () => {
      const deep = `{"subject":"Deep","d":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
      const res = await call('POST', '/api/tickets', deep);
      expect(res.status).toBe(422);
      expect(res.json).toEqual({
        error: {
          code: 'invalid_ticket',
          message: 'The ticket nests objects and lists more than 32 levels deep; flatten it.',
        },
      });
      const patched = await call('POST', '/api/tickets', ticket({}));
      expect(
        (await call('PATCH', '/api/tickets/1', `{"d":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`)).status,
      ).toBe(422);
      expect(patched.status).toBe(201);
      const broken = await call('POST', '/api/tickets', '{"subject":');
      expect(broken.status).toBe(400);
      expect(broken.json).toEqual({
        error: { code: 'malformed_json', message: 'The request body is not valid JSON.' },
      });
    });

    it('answers unknown routes and methods with JSON, not the framework page', async () => {
      for (const [method, path] of [
        ['GET', '/nope'],
        ['POST', '/api/nope'],
        ['GET', '/api/tickets/1/extra'],
      ] as const) {
        const res = await call(method, path);
        expect(res.status).toBe(404);
        expect(res.type).toMatch(/^application\/json/);
        expect(res.json).toEqual({
          error: {
            code: 'not_found',
            message: `${method} ${path} is not a route of this helpdesk: its API is /api/tickets and /api/tickets/:id, its admin API /admin/webhooks/api/.`,
          },
        });
      }
      const res = await call('PUT', '/api/tickets');
      expect(res.status).toBe(405);
      expect(res.allow).toBe('POST');
      expect(res.json).toEqual({
        error: { code: 'method_not_allowed', message: '/api/tickets does not take PUT; it answers POST.' },
      });
      expect((await call('DELETE', '/api/tickets/1')).json).toMatchObject({
        error: { code: 'method_not_allowed' },
      });
    });

    it('answers 200 to edits that grow a ticket past 256 KiB, and the log says its event was not sent', async () => {
      const created = await call(
        'POST',
        '/admin/webhooks/api/webhooks',
        JSON.stringify({ url: receiver.url, events: ['ticket.updated'] }),
        true,
      );
      expect(created.status).toBe(201);
      const { json: grown } = await call('POST', '/api/tickets', ticket({}));
      const id = (grown as { id: number }).id;
      // Each edit is under the body limit; `changes` repeats the new value, so the second one's
      // event body is over 256 KiB.
      for (const field of ['notes', 'history']) {
        const res = await call(
          'PATCH',
          `/api/tickets/${id}`,
          JSON.stringify({ [field]: '☃'.repeat(30 * KiB) }),
        );
        expect(res.status).toBe(200);
      }
      const failed = await call('GET', '/admin/webhooks/api/logs?status=failed', undefined, true);
      const items = (failed.json as { items: { uuid: string; event: string; attemptCount: number }[] }).items;
      expect(items.map((i) => [i.event, i.attemptCount])).toEqual([['ticket.updated', 0]]);
      const entry = await call('GET', `/admin/webhooks/api/logs/${items[0]?.uuid}`, undefined, true);
      expect(entry.json).toMatchObject({
        status: 'failed',
        attempts: [],
        bodyTooLarge: { limit: 262_144 },
        error: expect.stringMatching(
          new RegExp(
            `^The ticket\\.updated event of ticket ${id} would be a [\\d,]+-byte body .*over the 262,144-byte limit`,
          ),
        ),
      });
      await receiver.waitForRequests(1, 10_000);
      expect(receiver.requests.map((r) => JSON.parse(r.body.toString()).changes)).toEqual([
        { notes: { old: null, new: '☃'.repeat(30 * KiB) } },
      ]);
    });
  });
}
