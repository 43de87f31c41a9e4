import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStorage, type HookdeskStorage, StorageError } from '../src/index.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
  });
  return child;
}

async function expectOutage(promise: Promise<unknown>, backend: RegExp) {
  const error = await promise.then(
    () => new Error('expected a StorageError, the call succeeded'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StorageError);
  expect((error as StorageError).code).toBe('storage_unavailable');
  expect((error as Error).message).toMatch(backend);
  expect((error as Error).message).toMatch(/Check that the store is running/);
}

/** Every repository read and write must fail loudly, none may look like "not found" or "empty". */
async function expectEveryOperationToFail(storage: HookdeskStorage, backend: RegExp) {
  await expectOutage(storage.settings.get(), backend);
  await expectOutage(storage.webhooks.get('wh-1'), backend);
  await expectOutage(storage.webhooks.list(), backend);
  await expectOutage(storage.webhooks.delete('wh-1'), backend);
  await expectOutage(storage.log.get('d-1'), backend);
  await expectOutage(storage.log.list({ status: 'failed' }), backend);
  await expectOutage(storage.queue.due(Date.now(), 10), backend);
  await expectOutage(storage.queue.size(), backend);
  await expectOutage(
    storage.settings.put({
      active: true,
      key: 'whsec_x',
      previousKeys: [],
      updatedAt: new Date().toISOString(),
    }),
    backend,
  );
}

// The Redis cases start and kill a server of their own: they need the redis-server binary.
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  if (process.env.CI === 'true')
    throw new Error('CI=true but redis-server is not installed: install it so the outage tests run.');
  console.warn('Skipping the Redis outage tests: redis-server is not installed.');
}
const itWithRedisServer = hasRedisServer ? it : it.skip;

describe('a store that is down is an error, never a miss', () => {
  let redis: ChildProcess | undefined;
  afterEach(() => {
    redis?.kill('SIGKILL');
  });

  itWithRedisServer('Redis: reads and writes reject with StorageError once the server is gone', async () => {
    const port = await freePort();
    redis = await startRedis(port);
    const storage = await createStorage({ store: `redis://127.0.0.1:${port}`, namespace: 'outage' });
    try {
      await storage.webhooks.put({
        id: 'wh-1',
        url: 'https://example.com/h',
        events: ['ticket.created'],
        active: true,
        name: null,
        description: null,
        headers: {},
        key: null,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        deactivatedReason: null,
        lastSuccessAt: null,
        lastFailureAt: null,
        failingSince: null,
      });
      expect((await storage.webhooks.get('wh-1'))?.id).toBe('wh-1');
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis!.once('exit', resolve));
      await expectEveryOperationToFail(storage, new RegExp(`redis at 127.0.0.1:${port}`));
    } finally {
      await storage.close().catch(() => {});
    }
  });

  it('Redis: createStorage rejects with StorageError when nothing answers', async () => {
    const port = await freePort();
    await expectOutage(createStorage({ store: `redis://127.0.0.1:${port}` }), /redis at 127\.0\.0\.1/);
  });

  it('PostgreSQL: reads and writes reject with StorageError when nothing answers', async () => {
    const port = await freePort();
    const storage = await createStorage({
      store: `postgres://postgres@127.0.0.1:${port}/test`,
      namespace: 'outage',
    });
    try {
      await expectEveryOperationToFail(storage, new RegExp(`postgres at 127.0.0.1:${port}/test`));
    } finally {
      await storage.close().catch(() => {});
    }
  });
});
