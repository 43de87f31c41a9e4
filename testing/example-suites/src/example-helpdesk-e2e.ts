import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { signSha1 } from '@hookdesk/wire';
import { type ExampleProcess, startExample } from './example-process.js';
import { startWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ExampleHelpdeskE2EOptions {
  /** Names the describe block. */
  name: string;
  /** The example's folder. */
  dir: string;
  /** Extra environment, e.g. `{ HOOKDESK_STORE: 'redis://…' }`. */
  env?: Record<string, string>;
  /** Runs a `hookdesk-worker` process beside the helpdesk, on the same environment (`HOOKDESK_QUEUE=bullmq`). */
  worker?: boolean;
}

const TOKEN = 'e2e-admin-token-0123456789';

async function call(base: string, method: string, path: string, body?: unknown, admin = false) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (admin) headers.authorization = `Bearer ${TOKEN}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/**
 * docs/examples.md's helpdesk, driven from outside as a user would: start it as a process, create a
 * webhook through the admin API, create and edit tickets, see signed deliveries arrive and listed,
 * make the receiver fail, see retries and a `failed` entry, resend it, deactivate and delete the
 * webhook, restart and find everything still there.
 */
export function exampleHelpdeskE2E(api: ConformanceTestApi, options: ExampleHelpdeskE2EOptions): void {
  const { describe, it, expect, afterEach } = api;

  describe(`${options.name}: end to end`, () => {
    let dataDir: string;
    let receiver: TestReceiver | undefined;
    let app: ExampleProcess | undefined;
    let worker: WorkerProcess | undefined;

    afterEach(async () => {
      await app?.stop('SIGKILL');
      await worker?.stop('SIGKILL');
      worker = undefined;
      await receiver?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const env = () => ({
      HOOKDESK_DATA_DIR: dataDir,
      HOOKDESK_ADMIN_TOKEN: TOKEN,
      HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
      HOOKDESK_RETRY_SCHEDULE: '200ms,200ms',
      HOOKDESK_SWEEP_INTERVAL: '200ms',
      ...options.env,
    });
    const start = async () => {
      if (options.worker && !worker) worker = await startWorkerProcess(env());
      return startExample(options.dir, env());
    };

    it('delivers, logs, retries, resends, deactivates, deletes and survives a restart', async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-e2e-'));
      receiver = await startTestReceiver({ respond: { status: 200, body: 'ok' } });
      app = await start();
      const base = app.url;
      const admin = (method: string, path: string, body?: unknown) =>
        call(base, method, `/admin/webhooks/api${path}`, body, true);

      expect((await call(base, 'GET', '/admin/webhooks/api/settings')).status).toBe(401);
      const { body: keyBody } = await admin('GET', '/settings/key');
      const key: string = keyBody.key;

      const created = await admin('POST', '/webhooks', {
        url: receiver.url,
        events: ['ticket.created', 'ticket.updated'],
        name: 'e2e',
      });
      expect(created.status).toBe(201);
      const webhookId: string = created.body.id;

      // Create and edit a ticket: two signed deliveries.
      const ticket = await call(base, 'POST', '/api/tickets', {
        subject: 'Printer on fire ☃',
        priority: 'urgent',
      });
      expect(ticket.status).toBe(201);
      expect(ticket.body).toMatchObject({
        id: 1,
        subject: 'Printer on fire ☃',
        created_at: expect.any(String),
      });
      const edited = await call(base, 'PATCH', '/api/tickets/1', { status: 'closed' });
      expect(edited.status).toBe(200);
      expect(edited.body.status).toBe('closed');
      const [first, second] = await receiver.waitForRequests(2, 10_000);
      for (const request of [first!, second!]) {
        expect(request.headers['x-hookdesk-signature']).toBe(signSha1(key, request.body));
        expect(request.headers['x-hookdesk-attempt']).toBe('1');
      }
      expect(JSON.parse(first!.body.toString('utf8'))).toMatchObject({
        event: 'ticket.created',
        ticket: { id: 1, subject: 'Printer on fire ☃' },
      });
      expect(JSON.parse(second!.body.toString('utf8'))).toMatchObject({
        event: 'ticket.updated',
        ticket: { id: 1, status: 'closed' },
        changes: { status: { old: null, new: 'closed' } },
      });
      const listed = await eventually(
        () => admin('GET', '/logs?status=succeeded'),
        (res) => res.body.items.length === 2,
        'two succeeded log entries',
      );
      expect(listed.body.items.map((item: { event: string }) => item.event)).toEqual([
        'ticket.updated',
        'ticket.created',
      ]);

      // The receiver fails: retries on the schedule, then a failed entry.
      receiver.respondWith({ status: 500, body: 'down' });
      await call(base, 'POST', '/api/tickets', { subject: 'Second' });
      const failed = await eventually(
        () => admin('GET', '/logs?status=failed'),
        (res) => res.body.items.length === 1,
        'a failed log entry',
      );
      const failedUuid: string = failed.body.items[0].uuid;
      expect(failed.body.items[0].attemptCount).toBe(3);
      const attempts = receiver.requests.filter((r) => r.headers['x-hookdesk-uuid'] === failedUuid);
      expect(attempts.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2', '3']);

      // Resend it from the log: same uuid, the attempt count continues, and it succeeds.
      receiver.respondWith({ status: 200, body: 'ok' });
      const resent = await admin('POST', '/logs/resend', { ids: [failedUuid] });
      expect(resent.status).toBe(202);
      expect(resent.body.results).toEqual([{ uuid: failedUuid, status: 'queued' }]);
      const succeeded = await eventually(
        () => admin('GET', `/logs/${failedUuid}`),
        (res) => res.body.status === 'succeeded',
        'the resent delivery to succeed',
      );
      expect(succeeded.body.attempts.map((a: { number: number }) => a.number)).toEqual([1, 2, 3, 4]);
      const resentRequest = receiver.requests.at(-1)!;
      expect(resentRequest.headers['x-hookdesk-uuid']).toBe(failedUuid);
      expect(resentRequest.headers['x-hookdesk-attempt']).toBe('4');

      // Deactivate: a new ticket sends nothing. Delete: gone.
      const deactivated = await admin('PATCH', `/webhooks/${webhookId}`, { active: false });
      expect(deactivated.body.active).toBe(false);
      const before = receiver.requests.length;
      await call(base, 'POST', '/api/tickets', { subject: 'Third, unheard' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests.length).toBe(before);
      const second2 = await admin('POST', '/webhooks', { url: receiver.url, events: ['ticket.created'] });
      expect((await admin('DELETE', `/webhooks/${webhookId}`)).status).toBe(204);
      expect((await admin('GET', `/webhooks/${webhookId}`)).status).toBe(404);

      // Smart rules: one on a field fires from the ticket event, one on time fires from a sweep.
      const onUrgent = await admin('POST', '/smart-rules', {
        name: 'Urgent',
        conditions: { all: [{ field: 'priority', op: 'is', value: 'urgent' }] },
        action: { type: 'trigger_webhook', url: receiver.url },
      });
      expect(onUrgent.status).toBe(201);
      const stale = await admin('POST', '/smart-rules', {
        name: 'Open for a second',
        conditions: {
          all: [
            { field: 'subject', op: 'is', value: 'Slow burn' },
            { time: 'since_created', op: 'gt', hours: 1 / 3600, clock: 'calendar' },
          ],
        },
        action: { type: 'trigger_webhook', url: receiver.url },
      });
      expect(stale.status).toBe(201);
      const seenBefore = receiver.requests.length;
      await call(base, 'POST', '/api/tickets', { subject: 'Urgent one', priority: 'urgent' });
      await call(base, 'POST', '/api/tickets', { subject: 'Slow burn' });
      const firings = async () =>
        receiver!.requests
          .slice(seenBefore)
          .map((r) => JSON.parse(r.body.toString('utf8')))
          .filter((b) => b.event === 'smart_rule.triggered');
      const fired = await eventually(firings, (bodies) => bodies.length >= 2, 'both smart rules to fire');
      expect(fired.map((b) => b.smart_rule.name).sort()).toEqual(['Open for a second', 'Urgent']);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await firings()).toHaveLength(2);

      // Restart: tickets, webhooks, the log and the key are all still there.
      const logsBefore = await admin('GET', '/logs');
      // Within docs/examples.md's 10 s; pnpm's own exit status reports the signal, so the app's
      // clean stop shows in its output.
      const stopping = Date.now();
      await app.stop('SIGTERM');
      expect(Date.now() - stopping).toBeLessThan(10_000);
      const said = app.output();
      expect(said.indexOf('SIGTERM: shutting down')).toBeGreaterThan(-1);
      expect(said.indexOf('stopped')).toBeGreaterThan(said.indexOf('SIGTERM: shutting down'));
      app = await start();
      const again = app.url;
      const adminAgain = (method: string, path: string) =>
        call(again, method, `/admin/webhooks/api${path}`, undefined, true);
      expect((await call(again, 'GET', '/api/tickets/1')).body).toMatchObject({ id: 1, status: 'closed' });
      expect((await adminAgain('GET', '/settings/key')).body.key).toBe(key);
      const webhooks = await adminAgain('GET', '/webhooks');
      expect(webhooks.body.items.map((w: { id: string }) => w.id)).toEqual([second2.body.id]);
      const logsAfter = await adminAgain('GET', '/logs');
      expect(logsAfter.body.items).toEqual(logsBefore.body.items);
      const next = await call(again, 'POST', '/api/tickets', { subject: 'After the restart' });
      expect(next.body.id).toBe(6);
      // The time rule fired for "Slow burn" before the restart; sweeps after it fire nothing again.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await firings()).toHaveLength(2);
    });
  });
}
