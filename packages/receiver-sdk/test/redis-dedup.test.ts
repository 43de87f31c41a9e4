import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReceiver, createSignedRequest, nodeReceiver, type Receiver } from '../src/index.js';
import { ticketCreated, uniquePrefix, WIRE_KEY } from './fixtures.js';
import { connectRedis, REDIS_URL, redisAvailable, type TestRedisClient } from './redis.js';
import { listen, post, type RunningServer } from './servers.js';

const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('dedup on real Redis', () => {
  const clients: TestRedisClient[] = [];
  const servers: RunningServer[] = [];
  const keyPrefix = uniquePrefix();
  let runs = 0;

  async function serve(receiverOptions: { leaseMs?: number; handler: () => Promise<void> | void }) {
    const client = await connectRedis();
    clients.push(client);
    const receiver: Receiver = createReceiver({
      keys: WIRE_KEY,
      store: client,
      keyPrefix,
      ...receiverOptions,
    });
    const server = await listen(http.createServer(nodeReceiver(receiver)));
    servers.push(server);
    return server;
  }

  beforeAll(() => {
    runs = 0;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await Promise.all(clients.map((client) => client.quit()));
  });

  it('runs the handler exactly once for 50 concurrent copies sent to two receivers', async () => {
    const slow = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 400));
    };
    const [a, b] = await Promise.all([serve({ handler: slow }), serve({ handler: slow })]);
    const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post((i % 2 === 0 ? a : b).url, body, headers)),
    );
    expect(runs).toBe(1);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(answers.filter((answer) => answer.body.status === 'processed')).toHaveLength(1);
    expect(statuses).toContain(409);
    expect(await post(b.url, body, headers)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(runs).toBe(1);
  });

  it('processes a retry after the process that claimed the uuid was killed (SIGKILL) mid-handler', {
    timeout: 60_000,
  }, async () => {
    const leaseMs = 3000;
    const child = startHangingReceiver(keyPrefix, leaseMs);
    try {
      const port = await child.line(/^port (\d+)$/);
      const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
      post(`http://127.0.0.1:${port}/webhooks`, body, headers).catch(() => {});
      await child.line(/^handling /);
      child.process.kill('SIGKILL');

      const processed = vi.fn();
      const survivor = await serve({ handler: processed });
      expect((await post(survivor.url, body, headers)).status).toBe(409);
      expect(processed).not.toHaveBeenCalled();
      await new Promise((resolve) => setTimeout(resolve, leaseMs + 100));
      expect(await post(survivor.url, body, headers)).toEqual({ status: 200, body: { status: 'processed' } });
      expect(processed).toHaveBeenCalledTimes(1);
    } finally {
      child.process.kill('SIGKILL');
    }
  });
});

function startHangingReceiver(keyPrefix: string, leaseMs: number) {
  const script = fileURLToPath(new URL('./interop/hanging-receiver.ts', import.meta.url));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', script, REDIS_URL, keyPrefix, String(leaseMs), WIRE_KEY],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    errors += chunk;
  });
  return {
    process: child,
    line: (pattern: RegExp) =>
      vi.waitFor(
        () => {
          const match = output
            .split('\n')
            .map((line) => pattern.exec(line))
            .find(Boolean);
          if (!match) throw new Error(`waiting for ${pattern} from the child; stderr: ${errors}`);
          return match[1];
        },
        { timeout: 45_000, interval: 20 },
      ),
  };
}
