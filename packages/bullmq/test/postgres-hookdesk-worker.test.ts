import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, POSTGRES_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue } from '../src/index.js';
import { queueAddress, readWorkerConfig, workerQueue } from '../src/worker-config.js';
import { dropSchema, uniqueSchema } from './fixtures/postgres-schema.js';

const bin = fileURLToPath(new URL('../src/bin/hookdesk-worker.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin], {
    cwd: packageDir,
    env: { ...process.env, HOOKDESK_REDIS_URL: '', HOOKDESK_QUEUE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('readWorkerConfig with a queue on PostgreSQL', () => {
  it('puts the queue in the store’s PostgreSQL unless HOOKDESK_QUEUE_URL says otherwise', () => {
    expect(readWorkerConfig({ HOOKDESK_STORE: 'postgres://hd:secret@db:5432/app' })).toMatchObject({
      storeUrl: 'postgres://hd:secret@db:5432/app',
      queueUrl: 'postgres://hd:secret@db:5432/app',
      queueSchema: undefined,
    });
    expect(
      readWorkerConfig({ HOOKDESK_STORE: 'redis://r:6379', HOOKDESK_QUEUE_URL: 'postgresql://db/jobs' }),
    ).toMatchObject({ queueUrl: 'postgresql://db/jobs' });
    expect(
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_QUEUE_URL: 'redis://r:6379' }),
    ).toMatchObject({ queueUrl: 'redis://r:6379' });
    // The older variable still names a queue on Redis.
    expect(
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_REDIS_URL: 'redis://r:6379' }),
    ).toMatchObject({ queueUrl: 'redis://r:6379' });
  });

  it('gives startWorker the URL, or the URL and schema', () => {
    const config = readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app' });
    expect(workerQueue(config)).toEqual({ postgres: 'postgres://db/app' });
    const inSchema = readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_QUEUE_SCHEMA: 'jobs' });
    expect(workerQueue(inSchema)).toEqual({
      postgres: { connectionString: 'postgres://db/app', schema: 'jobs' },
    });
    expect(workerQueue(readWorkerConfig({ HOOKDESK_STORE: 'redis://r:6380' }))).toEqual({
      connection: expect.objectContaining({ host: 'r', port: 6380 }),
    });
  });

  it('describes where the queue is without credentials', () => {
    expect(queueAddress({ queueUrl: 'postgres://hd:secret@db.internal/app', queueSchema: undefined })).toBe(
      'PostgreSQL at db.internal:5432/app, schema "bullmq"',
    );
    expect(queueAddress({ queueUrl: 'postgres://hd:secret@db:6543/app', queueSchema: 'jobs' })).toBe(
      'PostgreSQL at db:6543/app, schema "jobs"',
    );
    expect(queueAddress({ queueUrl: 'redis://:secret@r', queueSchema: undefined })).toBe('Redis at r:6379');
  });

  it('names the variable that is wrong, and what to set', () => {
    expect(() =>
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_REDIS_URL: 'postgres://db/app' }),
    ).toThrow(
      /HOOKDESK_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL; for a queue on PostgreSQL set HOOKDESK_QUEUE_URL/,
    );
    expect(() =>
      readWorkerConfig({
        HOOKDESK_STORE: 'postgres://db/app',
        HOOKDESK_QUEUE_URL: 'postgres://db/app',
        HOOKDESK_REDIS_URL: 'redis://r',
      }),
    ).toThrow(/HOOKDESK_QUEUE_URL and HOOKDESK_REDIS_URL name different queues/);
    expect(() =>
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_QUEUE_URL: 'mysql://db' }),
    ).toThrow(/HOOKDESK_QUEUE_URL must be a redis:\/\/, rediss:\/\/ or postgres:\/\/ URL/);
    expect(() => readWorkerConfig({ HOOKDESK_STORE: 'redis://r', HOOKDESK_QUEUE_SCHEMA: 'jobs' })).toThrow(
      /HOOKDESK_QUEUE_SCHEMA is for a queue on PostgreSQL/,
    );
    expect(() =>
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_QUEUE_SCHEMA: 'my-jobs' }),
    ).toThrow(/HOOKDESK_QUEUE_SCHEMA: "my-jobs" is not a schema name/);
  });
});

const describePostgres = await describeWithService('postgres', describe);

describePostgres('the hookdesk-worker bin with only PostgreSQL', () => {
  it('queues in the store’s PostgreSQL, says so, delivers, and on SIGTERM finishes the attempt in flight', async () => {
    // Answers 200 after 1.5 s: long enough to send SIGTERM while the attempt is in flight.
    let received = 0;
    const server = createServer((req, res) => {
      received++;
      req.resume();
      setTimeout(() => {
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      }, 1_500);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const namespace = `hookdesk-bullmq-pg-bin-${randomUUID()}`;
    const schema = uniqueSchema();
    const storage = tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace }));
    const queue = new BullmqDeliveryQueue({ postgres: { connectionString: POSTGRES_URL, schema } });
    const web = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    try {
      await web.ready();
      await web.createWebhook({ url, events: ['ticket.created'] });
      const worker = run({
        HOOKDESK_STORE: POSTGRES_URL,
        HOOKDESK_NAMESPACE: namespace,
        HOOKDESK_QUEUE_SCHEMA: schema,
        HOOKDESK_CONCURRENCY: '4',
        HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
      });
      await until(
        () => worker.output().includes('delivering from'),
        `the start-up line (${worker.output()})`,
        20_000,
      );
      const { host, pathname } = new URL(POSTGRES_URL);
      expect(worker.output()).toContain(
        `queue "hookdesk-deliveries" on PostgreSQL at ${host}${pathname}, schema "${schema}", ` +
          `store postgres at ${host}${pathname}, 4 attempts at a time`,
      );
      // Never a Redis warning: there is no Redis.
      expect(worker.output()).not.toMatch(/Redis|maxmemory/);
      const [uuid] = await web.ticketCreated({ id: 1, subject: 'in flight at SIGTERM' });
      await until(() => received === 1, 'the attempt in flight', 10_000);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      // The attempt finished and was recorded before the process left.
      expect((await web.getLog(uuid as string)).status).toBe('succeeded');
      expect(worker.output()).toMatch(/SIGTERM: letting the attempts in flight finish[\s\S]*stopped/);
    } finally {
      await web.close();
      await storage.close();
      server.close();
      await dropSchema(schema);
    }
  }, 60_000);
});
