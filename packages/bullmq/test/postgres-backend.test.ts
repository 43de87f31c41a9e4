import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Server,
  type Socket,
} from 'node:net';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { describeWithService, POSTGRES_URL, tidyOnClose, until } from '@hookdesk/test-support';
import { createPostgresBackend, Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { BullmqDeliveryQueue, startWorker } from '../src/index.js';
import { SLOT_TABLE } from '../src/postgres-slots.js';
import { dropSchema, sql, uniqueSchema } from './fixtures/postgres-schema.js';

const describePostgres = await describeWithService('postgres', describe);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  // Every one runs, so a schema is dropped even when closing something before it failed.
  const failures: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error) => failures.push(error));
  if (failures.length > 0) throw failures[0];
});

/** A schema of its own for the test's queue, dropped after it. */
function queueSchema(): string {
  const schema = uniqueSchema();
  cleanups.push(() => dropSchema(schema));
  return schema;
}

/**
 * A web process and worker processes in one test, sharing a PostgreSQL store and queue. The
 * engines share one storage too: @keyv/postgres keeps one pool per process, which the first
 * storage to close would end for the others.
 */
async function web(
  receiverUrl: string | null,
  options: { retrySchedule?: number[]; queueUrl?: string } = {},
): Promise<{
  web: Hookdesk;
  startWorker: (extra?: { concurrencyPerWebhook?: number; lockDurationMs?: number }) => Promise<Hookdesk>;
  schema: string;
}> {
  const namespace = `hookdesk-bullmq-pg-${randomUUID()}`;
  const schema = queueSchema();
  const postgres = { connectionString: options.queueUrl ?? POSTGRES_URL, schema };
  const storage = tidyOnClose(await createStorage({ store: POSTGRES_URL, namespace }));
  cleanups.push(() => storage.close());
  const queue = new BullmqDeliveryQueue({ postgres });
  const webEngine = createHookdesk({
    storage,
    queue,
    process: false,
    allowPrivateNetworks: true,
  });
  cleanups.push(() => webEngine.close());
  await webEngine.ready();
  if (receiverUrl) await webEngine.createWebhook({ url: receiverUrl, events: ['ticket.created'] });
  return {
    web: webEngine,
    schema,
    async startWorker(extra = {}) {
      const worker = await startWorker({
        storage,
        postgres,
        queue: {
          retryLaterMs: 200,
          ...(extra.lockDurationMs ? { lockDurationMs: extra.lockDurationMs } : {}),
        },
        allowPrivateNetworks: true,
        retrySchedule: options.retrySchedule ?? [300],
        retryJitter: 0,
        pollIntervalMs: 200,
        ...(extra.concurrencyPerWebhook ? { concurrencyPerWebhook: extra.concurrencyPerWebhook } : {}),
      });
      cleanups.push(() => worker.close());
      return worker;
    },
  };
}

async function receiver(respond?: Parameters<typeof startTestReceiver>[0]): Promise<TestReceiver> {
  const r = await startTestReceiver(respond);
  cleanups.push(() => r.close());
  return r;
}

/** A TCP proxy to the test PostgreSQL that can be down (refusing) or up. */
async function proxyToPostgres(): Promise<{ url: string; up(): Promise<void> }> {
  const target = new URL(POSTGRES_URL);
  const probe = createTcpServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });
  const url = new URL(POSTGRES_URL);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.href,
    async up() {
      server = createTcpServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
  };
}

describe('BullmqDeliveryQueue options', () => {
  it('takes the queue on Redis or on PostgreSQL, and says what to give otherwise', () => {
    const make = (options: object) => () =>
      new BullmqDeliveryQueue(options as ConstructorParameters<typeof BullmqDeliveryQueue>[0]);
    expect(make({})).toThrow(/`connection` or `postgres` is required/);
    expect(make({ connection: {}, postgres: POSTGRES_URL })).toThrow(/`connection`.*or `postgres`.*not both/);
    expect(make({ postgres: POSTGRES_URL, prefix: 'hd' })).toThrow(
      /`prefix` is BullMQ's key prefix on Redis.*schema/,
    );
    expect(make({ postgres: 'redis://127.0.0.1:6379' })).toThrow(/`postgres` is a postgres:\/\//);
    const pool = { query() {}, connect() {}, end() {}, on() {}, totalCount: 0, idleCount: 0 };
    expect(make({ postgres: pool })).toThrow(/not a pg\.Pool/);
  });
});

describePostgres('BullmqDeliveryQueue on PostgreSQL', () => {
  it('delivers what a web process records from a worker process, signed, once', async () => {
    const target = await receiver();
    const setup = await web(target.url);
    const [uuid] = await setup.web.ticketCreated({ id: 1, subject: 'Printer on fire' });
    // Recorded and queued, not sent: the web process delivers nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.requests).toHaveLength(0);
    await setup.startWorker();
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'succeeded',
      'delivered',
      10_000,
    );
    expect(target.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
    expect(target.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('retries on the schedule as a delayed job, then succeeds', async () => {
    const target = await receiver({ respond: [{ status: 500 }, { status: 200 }] });
    const setup = await web(target.url, { retrySchedule: [400] });
    await setup.startWorker();
    const [uuid] = await setup.web.ticketCreated({ id: 2, subject: 'retry me' });
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'succeeded',
      'retried',
      10_000,
    );
    const entry = await setup.web.getLog(uuid as string);
    expect(entry.attempts.map((a) => a.statusCode)).toEqual([500, 200]);
    const gap = Date.parse(entry.attempts[1]!.at) - Date.parse(entry.attempts[0]!.at);
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(target.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
  });

  it('queues a delivery once however often it is enqueued, and moves or removes that job', async () => {
    const schema = queueSchema();
    const queue = new BullmqDeliveryQueue({ postgres: { connectionString: POSTGRES_URL, schema } });
    cleanups.push(() => queue.close());
    const uuid = randomUUID();
    const dueAt = Date.now() + 60_000;
    await queue.enqueue([{ uuid, dueAt }], { fresh: true });
    await queue.enqueue([{ uuid, dueAt }], { fresh: true });
    await queue.enqueue([{ uuid, dueAt: dueAt + 60_000, once: true }]);
    const reader = new Queue(
      'hookdesk-deliveries',
      { connection: { connectionString: POSTGRES_URL, schema } },
      createPostgresBackend,
    );
    cleanups.push(() => reader.close());
    expect(await reader.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 1,
      active: 0,
    });
    const job = await reader.getJob(uuid);
    expect(job?.data).toEqual({ uuid, once: true });
    // Moved on from the first due time (changeDelay), not added twice.
    expect((job?.timestamp ?? 0) + (job?.delay ?? 0)).toBeGreaterThan(dueAt + 30_000);
    // Due now: the delayed job is moved to now rather than added again.
    await queue.enqueue([{ uuid, dueAt: Date.now() }]);
    const counts = await reader.getJobCounts('waiting', 'delayed');
    expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(1);
    await queue.remove(uuid);
    expect(await reader.getJobCounts('waiting', 'delayed', 'active')).toEqual({
      waiting: 0,
      delayed: 0,
      active: 0,
    });
  });

  it('holds queued deliveries while the global switch is off, and sends them once it is on', async () => {
    const target = await receiver();
    const setup = await web(target.url);
    const [uuid] = await setup.web.ticketCreated({ id: 3, subject: 'wait for the switch' });
    await setup.web.setActive(false);
    await setup.startWorker();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(target.requests).toHaveLength(0);
    await setup.web.setActive(true);
    await until(async () => (await setup.web.getLog(uuid as string)).status === 'succeeded', 'sent', 10_000);
    expect(target.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
  });

  it('sends a resend from the web process once, with no retry', async () => {
    const target = await receiver({ respond: { status: 500 } });
    const setup = await web(target.url, { retrySchedule: [] });
    await setup.startWorker();
    const [uuid] = await setup.web.ticketCreated({ id: 5, subject: 'resend me' });
    await until(async () => (await setup.web.getLog(uuid as string)).status === 'failed', 'failed', 10_000);
    // Its job is gone once the attempt has ended. (A resend asked for in the few milliseconds
    // between the log saying failed and the job ending can be lost, on Redis as here: the worker
    // reads the resend mark just before the job ends.)
    await until(
      async () =>
        (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${setup.schema}".job`))[0]?.n === 0,
      'the job ended',
      10_000,
    );
    await setup.web.resend({ ids: [uuid as string] });
    await until(async () => target.requests.length === 2, 'the resend', 10_000);
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'failed',
      'failed again',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(target.requests.map((r) => r.headers['x-hookdesk-attempt'])).toEqual(['1', '2']);
  });

  it('holds concurrencyPerWebhook for the webhook across two workers, not per worker', async () => {
    // Holds each request 900 ms, longer than a slot's 400 ms lease (renewed while held), and notes
    // the most it ever held at once.
    let now = 0;
    let most = 0;
    let answered = 0;
    const server = createHttpServer((req, res) => {
      now++;
      most = Math.max(most, now);
      req.resume();
      setTimeout(() => {
        now--;
        answered++;
        res.writeHead(200, { 'content-length': '0' });
        res.end();
      }, 900);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const setup = await web(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    for (let i = 0; i < 2; i++) await setup.startWorker({ concurrencyPerWebhook: 3, lockDurationMs: 400 });
    const count = 12;
    for (let id = 1; id <= count; id++) await setup.web.ticketCreated({ id, subject: `ticket ${id}` });
    await until(() => answered === count, `all ${count} answered (${answered})`, 20_000);
    // Each worker alone would hold 3; together, without the shared bound, up to 6.
    expect(most).toBe(3);
    // Every hold was given back.
    await until(
      async () =>
        (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM "${setup.schema}".${SLOT_TABLE}`))[0]?.n ===
        0,
      'no slot left held',
      5_000,
    );
  }, 60_000);

  it('enqueues and delivers once PostgreSQL answers, though it did not when the processes started', async () => {
    const target = await receiver();
    const proxy = await proxyToPostgres();
    // The queue's database is down: the worker starts and waits, the web process cannot enqueue.
    const setup = await web(target.url, { queueUrl: proxy.url });
    await setup.startWorker();
    await expect(setup.web.ticketCreated({ id: 6, subject: 'too early' })).rejects.toThrow();
    await proxy.up();
    // BullMQ keeps a failed first connect; the queue starts afresh on the next enqueue.
    const [uuid] = await setup.web.ticketCreated({ id: 7, subject: 'once it is up' });
    await until(
      async () => (await setup.web.getLog(uuid as string)).status === 'succeeded',
      'delivered by the worker that started while the database was down',
      15_000,
    );
    expect(target.requests.map((r) => r.headers['x-hookdesk-uuid'])).toEqual([uuid]);
  }, 30_000);
});
