import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection } from '../src/index.js';
import { readWorkerConfig } from '../src/worker-config.js';

const bin = fileURLToPath(new URL('../src/bin/hookdesk-worker.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin], {
    cwd: packageDir,
    env: { ...process.env, ...env },
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

describe('readWorkerConfig', () => {
  it('reads the variables, with the queue on the store when both are Redis', () => {
    expect(
      readWorkerConfig({
        HOOKDESK_STORE: 'redis://127.0.0.1:6379',
        HOOKDESK_RETRY_SCHEDULE: '1s,5s',
        HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
      }),
    ).toEqual({
      storeUrl: 'redis://127.0.0.1:6379',
      queueUrl: 'redis://127.0.0.1:6379',
      queueSchema: undefined,
      concurrency: 100,
      queueName: undefined,
      namespace: undefined,
      allowPrivateNetworks: true,
      retrySchedule: [1_000, 5_000],
    });
  });

  it('names the variable that is missing or wrong, and what to set', () => {
    expect(() => readWorkerConfig({})).toThrow(/HOOKDESK_STORE is not set.*redis:\/\/… or postgres:\/\//);
    expect(() => readWorkerConfig({ HOOKDESK_STORE: '.data' })).toThrow(/HOOKDESK_STORE is not a store URL/);
    expect(() =>
      readWorkerConfig({ HOOKDESK_STORE: 'postgres://db/app', HOOKDESK_REDIS_URL: 'db:6379' }),
    ).toThrow(/HOOKDESK_REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => readWorkerConfig({ HOOKDESK_STORE: 'redis://r', HOOKDESK_CONCURRENCY: '0' })).toThrow(
      /HOOKDESK_CONCURRENCY: "0"/,
    );
    expect(() => readWorkerConfig({ HOOKDESK_STORE: 'redis://r', HOOKDESK_RETRY_SCHEDULE: 'soon' })).toThrow(
      /HOOKDESK_RETRY_SCHEDULE: "soon" is not a duration/,
    );
  });
});

const describeRedis = await describeWithService('redis', describe);

describeRedis('the hookdesk-worker bin', () => {
  it('says what it connected to, delivers, and on SIGTERM finishes the attempt in flight', async () => {
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
    const namespace = `hookdesk-bullmq-bin-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection(REDIS_URL, { failFast: true }),
      queueName,
    });
    const web = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    try {
      await web.ready();
      await web.createWebhook({ url, events: ['ticket.created'] });
      const worker = run({
        HOOKDESK_STORE: REDIS_URL,
        HOOKDESK_NAMESPACE: namespace,
        HOOKDESK_QUEUE_NAME: queueName,
        HOOKDESK_CONCURRENCY: '4',
        HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
      });
      await until(
        () => worker.output().includes('delivering from'),
        `the start-up line (${worker.output()})`,
        20_000,
      );
      expect(worker.output()).toContain(
        `queue "${queueName}" on Redis at 127.0.0.1:6379, store redis at 127.0.0.1:6379, 4 attempts at a time`,
      );
      const [uuid] = await web.ticketCreated({ id: 1, subject: 'in flight at SIGTERM' });
      await until(() => received === 1, 'the attempt in flight', 10_000);
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      // The attempt finished and was recorded before the process left.
      expect((await web.getLog(uuid as string)).status).toBe('succeeded');
      expect(worker.output()).toMatch(/SIGTERM: letting the attempts in flight finish[\s\S]*stopped/);
    } finally {
      await web.close();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      await storage.close();
      server.close();
    }
  }, 60_000);

  it('exits 1 with a message naming the variable when one is wrong', async () => {
    const worker = run({ HOOKDESK_STORE: '', HOOKDESK_REDIS_URL: REDIS_URL });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/HOOKDESK_STORE is not set/);
  }, 30_000);
});
