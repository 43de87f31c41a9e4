import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createHookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, REDIS_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, redisConnection } from '../src/index.js';

const describeRedis = await describeWithService('redis', describe);
const fixture = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function worker(namespace: string, queueName: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', fixture, REDIS_URL, namespace, queueName],
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

describeRedis('a worker killed with SIGKILL mid-request', () => {
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
    const namespace = `hookdesk-bullmq-kill-${randomUUID()}`;
    const queueName = `hookdesk-test-${randomUUID()}`;
    const storage = tidyOnClose(await createStorage({ store: REDIS_URL, namespace }));
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection(REDIS_URL, { failFast: true }),
      queueName,
    });
    const web = createHookdesk({ storage, queue, process: false, allowPrivateNetworks: true });
    try {
      await web.ready();
      await web.createWebhook({ url: receiver.url, events: ['ticket.created'] });
      const uuids: string[] = [];
      for (let id = 1; id <= 20; id++)
        uuids.push(...(await web.ticketCreated({ id, subject: `ticket ${id}` })));

      const first = worker(namespace, queueName);
      await until(() => first.output().includes('ready'), `the first worker (${first.output()})`, 20_000);
      // Ten at a time per webhook: ten requests hang at the receiver when the worker dies.
      await until(() => receiver.requests.length >= 10, 'attempts in flight', 10_000);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      expect(answered.size).toBe(0);

      phase = 2;
      const second = worker(namespace, queueName);
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
    } finally {
      await web.close();
      const obliterate = new Queue(queueName, { connection: redisConnection(REDIS_URL) });
      await obliterate.obliterate({ force: true });
      await obliterate.close();
      await storage.close();
      await receiver.close();
    }
  }, 90_000);
});
