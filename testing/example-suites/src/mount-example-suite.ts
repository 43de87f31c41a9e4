import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestReceiver } from '@hookdesk/test-receivers';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { signSha1 } from '@hookdesk/wire';
import request from 'supertest';

export interface MountExampleOptions {
  /** The adapter package's folder URL (holding README.md and examples/mount.ts). */
  packageUrl: URL;
  /** Runs the README's example and hands back a Node request listener for it. */
  createApp(options: { adminToken: string; dataDir: string; allowPrivateNetworks: boolean }): Promise<{
    listener: RequestListener;
    close(): Promise<void>;
  }>;
}

/**
 * The adapters' README example, checked twice: the README shows `examples/mount.ts` verbatim, and
 * that code runs: the admin API is guarded and a ticket created through it is delivered, signed.
 */
export function mountExampleSuite(api: ConformanceTestApi, options: MountExampleOptions): void {
  const { describe, it, expect } = api;

  describe('README example', () => {
    it('shows examples/mount.ts verbatim', () => {
      const readme = readFileSync(new URL('README.md', options.packageUrl), 'utf8');
      const example = readFileSync(new URL('examples/mount.ts', options.packageUrl), 'utf8');
      expect(readme).toContain(example.trim());
    });

    it('runs: the admin API is guarded and a created ticket is delivered, signed', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-readme-'));
      const receiver = await startTestReceiver();
      const adminToken = 'readme-admin-token-0123';
      const app = await options.createApp({ adminToken, dataDir, allowPrivateNetworks: true });
      const { listener } = app;
      try {
        expect((await request(listener).get('/admin/webhooks/api/webhooks')).status).toBe(401);
        const auth = { authorization: `Bearer ${adminToken}` };
        const created = await request(listener)
          .post('/admin/webhooks/api/webhooks')
          .set(auth)
          .send({ url: receiver.url, events: ['ticket.created'] });
        expect(created.status).toBe(201);
        const ticket = await request(listener).post('/api/tickets').send({ subject: 'Printer on fire' });
        expect(ticket.status).toBe(201);
        const [delivery] = await receiver.waitForRequests(1);
        const { key } = (await request(listener).get('/admin/webhooks/api/settings/key').set(auth)).body;
        expect(delivery!.headers['x-hookdesk-signature']).toBe(signSha1(key, delivery!.body));
        expect(JSON.parse(delivery!.body.toString('utf8')).ticket).toEqual(ticket.body);
      } finally {
        await app.close();
        await receiver.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
