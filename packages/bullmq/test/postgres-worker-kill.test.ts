import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, POSTGRES_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue } from '../src/index.js';
import { dropSchema, sql, uniqueSchema } from './fixtures/postgres-schema.js';

const describePostgres = await describeWithService('postgres', describe);
const fixture = fileURLToPath(new URL('./fixtures/postgres-worker-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function worker(namespace: string, schema: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, POSTGRES_URL, namespace, schema],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_c, signal) => resolve(signal)),
  );
  return { child, output: () => output, exited };
}

describePostgres('a worker on a PostgreSQL queue killed with SIGKILL mid-request', () => {
  it('has its deliveries sent by another worker, none of them failed', async () => {
    let phase = 1;
    const answered = new Set<string>();
    const receiver = await startTestReceiver({
      respond: (request) => {
        if (phase === 1) return { hang: true };
        answered.add(request.headers['x-hookdesk-uuid'] as string);
        return { status: 200 };
      },
    });
    const namespace = `hookdesk-bullmq-pg-kill-${randomUUID()}`;
    const schema = uniqueSchema();
    const storage = tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace }));
    const queue = new BullmqDeliveryQueue({ postgres: { connectionString: POSTGRES_URL, schema } });
    const web = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    try {
      await web.ready();
      await web.createWebhook({ url: receiver.url, events: ['ticket.created'] });
      const uuids: string[] = [];
      for (let id = 1; id <= 20; id++)
        uuids.push(...(await web.ticketCreated({ id, subject: `ticket ${id}` })));

      const first = worker(namespace, schema);
      await until(() => first.output().includes('ready'), `the first worker (${first.output()})`, 20_000);
      // Ten at a time per webhook: ten requests hang at the receiver when the worker dies.
      await until(() => receiver.requests.length >= 10, 'attempts in flight', 10_000);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      expect(answered.size).toBe(0);

      phase = 2;
      const second = worker(namespace, schema);
      await until(
        () => uuids.every((uuid) => answered.has(uuid)),
        `every delivery answered after the kill: ${answered.size} of 20 (${second.output()})`,
        30_000,
      );
      await until(
        async () => (await web.listLogs({ status: 'succeeded' })).items.length === 20,
        'every delivery succeeded in the log',
        10_000,
      );
      expect((await web.listLogs({ status: 'failed' })).items).toEqual([]);
      // BullMQ counted the stalls (the ten jobs taken over) without failing any job for them.
      const [stalls] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".event WHERE event = 'stalled'`,
      );
      expect(stalls?.n).toBeGreaterThanOrEqual(10);
      // A `maxStalledCount` past PostgreSQL's integer would make every stalled check fail.
      expect(second.output()).not.toMatch(/out of range/);
    } finally {
      // Stopped before the schema goes: dropping tables a worker is using deadlocks.
      for (const child of children.splice(0)) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      await web.close();
      await storage.close();
      await receiver.close();
      await dropSchema(schema);
    }
  }, 90_000);
});
