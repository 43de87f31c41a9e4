import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestReceiver } from '@hookdesk/test-kit';
import { signSha1 } from '@hookdesk/wire';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createHelpdeskApp } from '../examples/mount.js';

describe('README', () => {
  it('shows examples/mount.ts verbatim', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('../examples/mount.ts', import.meta.url), 'utf8');
    expect(readme).toContain(example.trim());
  });

  it('runs: the admin API is guarded and a created ticket is delivered, signed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-readme-'));
    const receiver = await startTestReceiver();
    const adminToken = 'readme-admin-token-0123';
    const {
      app: koa,
      hookdesk,
      storage,
    } = await createHelpdeskApp({
      adminToken,
      dataDir,
      allowPrivateNetworks: true,
    });
    const app = koa.callback();
    try {
      expect((await request(app).get('/admin/webhooks/api/webhooks')).status).toBe(401);
      const auth = { authorization: `Bearer ${adminToken}` };
      const created = await request(app)
        .post('/admin/webhooks/api/webhooks')
        .set(auth)
        .send({ url: receiver.url, events: ['ticket.created'] });
      expect(created.status).toBe(201);
      const ticket = await request(app).post('/api/tickets').send({ subject: 'Printer on fire' });
      expect(ticket.status).toBe(201);
      const [delivery] = await receiver.waitForRequests(1);
      const { key } = (await request(app).get('/admin/webhooks/api/settings/key').set(auth)).body;
      expect(delivery!.headers['x-hookdesk-signature']).toBe(signSha1(key, delivery!.body));
      expect(JSON.parse(delivery!.body.toString('utf8')).ticket).toEqual(ticket.body);
    } finally {
      await hookdesk.close();
      await storage.close();
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
