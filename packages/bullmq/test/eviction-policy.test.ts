import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { until } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { evictionProblem } from '../src/eviction-policy.js';
import { BullmqDeliveryQueue, redisConnection } from '../src/index.js';

describe('evictionProblem', () => {
  it('says nothing for noeviction or no policy, names any other and what to set', () => {
    expect(evictionProblem('# Memory\r\nmaxmemory_policy:noeviction\r\n')).toBeNull();
    expect(evictionProblem('# Server\r\nredis_version:7.0.15\r\n')).toBeNull();
    expect(evictionProblem('maxmemory_policy:allkeys-lru\r\n')).toMatch(
      /maxmemory-policy is allkeys-lru.*evict queued deliveries.*maxmemory-policy noeviction/s,
    );
  });
});

/** A free loopback port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGKILL');
});

// Its own redis-server, so the shared one's settings are never touched.
describe('a queue on a Redis that may evict', () => {
  it('warns at start that queued deliveries could be lost', async () => {
    const port = await freePort();
    let server: ChildProcess;
    try {
      server = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'allkeys-lru',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      return;
    }
    servers.push(server);
    const spawned = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      setTimeout(() => resolve(true), 300);
    });
    if (!spawned) {
      if (process.env.CI === 'true') throw new Error('CI=true but redis-server could not be started.');
      console.warn('Skipping: no redis-server binary to start a Redis of its own.');
      return;
    }
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_: unknown, message?: string) => warnings.push(String(message)),
    };
    const queue = new BullmqDeliveryQueue({
      connection: redisConnection(`redis://127.0.0.1:${port}`),
      logger,
    });
    try {
      await until(
        async () => {
          await queue.checkRedis();
          return warnings.length > 0;
        },
        'the eviction warning',
        10_000,
      );
      expect(warnings[0]).toMatch(/allkeys-lru/);
    } finally {
      await queue.close();
    }
  }, 20_000);
});
