import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { afterEach, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from '../src/counting-proxy.js';
import { figure } from '../src/figure.js';

// kill -9 of the example helpdesk mid-burst, and an account key rotated under a live receiver: the
// example helpdesk and the example receiver as processes (`pnpm run build` first), a counting proxy
// between them standing where a load balancer would.

const root = fileURLToPath(new URL('../../', import.meta.url));
const HELPDESK = `${root}examples/express-helpdesk`;
const RECEIVER = `${root}examples/receiver`;
const TOKEN = 'adversarial-admin-token-0123';
const BURST = 1_000;
const KILL_AFTER_ACKS = 500;
const CONCURRENCY = 32;

const processes: ExampleProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const app of processes.splice(0)) await app.stop('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function started(dir: string, env: Record<string, string>): Promise<ExampleProcess> {
  const app = await startExample(dir, env);
  processes.push(app);
  return app;
}

function helpdesk(dataDir: string): Promise<ExampleProcess> {
  return started(HELPDESK, {
    HOOKDESK_DATA_DIR: dataDir,
    HOOKDESK_ADMIN_TOKEN: TOKEN,
    HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
    HOOKDESK_RETRY_SCHEDULE: '200ms,500ms,1s,2s,5s',
  });
}

async function admin(
  app: ExampleProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ key: string }> {
  const res = await fetch(`${app.url}/admin/webhooks/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as { key: string };
}

/** Helpdesk, receiver (keys given) and proxy, wired: the webhook points at the proxy. */
async function wired(): Promise<{ app: ExampleProcess; proxy: CountingProxy; key: string; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-attack-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const app = await helpdesk(dataDir);
  const { key } = await admin(app, 'GET', '/settings/key');
  const receiver = await started(RECEIVER, { HOOKDESK_KEYS: key });
  const proxy = await startCountingProxy(receiver.url);
  cleanups.unshift(() => proxy.close());
  await admin(app, 'POST', '/webhooks', { url: `${proxy.url}/webhooks`, events: ['ticket.created'] });
  return { app, proxy, key, dataDir };
}

/**
 * POSTs `count` tickets from `CONCURRENCY` clients to whichever process `app()` is; resolves with
 * the ids of those answered 201. `stop` is asked before each request, with the count so far.
 */
async function burst(
  app: () => ExampleProcess,
  count: number,
  stop: (acked: number) => boolean = () => false,
) {
  const acked: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < count && !stop(acked.length)) {
      const n = next++;
      try {
        const res = await fetch(`${app().url}/api/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `burst ${n} ☃` }),
        });
        if (res.status === 201) acked.push(((await res.json()) as { id: number }).id);
        else await res.text();
      } catch {
        // The connection died with the process: not acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return acked;
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The distinct uuids the proxy saw answered 2xx. */
const delivered = (proxy: CountingProxy) =>
  new Set(proxy.requests.filter((r) => r.status !== null && r.status < 300).map((r) => r.uuid));

it('kill -9 of the helpdesk mid-burst: every acknowledged ticket delivered, duplicates ≤ in flight', async () => {
  const { app, proxy, dataDir } = await wired();
  const receiver = processes[1] as ExampleProcess;
  let killedAt = 0;
  let killing: Promise<unknown> | null = null;
  const acked = await burst(
    () => app,
    BURST,
    (count) => {
      if (killing === null && count >= KILL_AFTER_ACKS) {
        killedAt = Date.now();
        killing = app.stop('SIGKILL');
      }
      return killing !== null;
    },
  );
  await killing;
  // The kill came mid-burst: requests were still arriving when it came.
  expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
  expect(acked.length).toBeLessThan(BURST);

  const restartedAt = Date.now();
  await helpdesk(dataDir);
  const processed = async () =>
    (await (await fetch(`${receiver.url}/events`)).json()) as {
      uuid: string;
      event: string;
      ticketId: number;
    }[];
  await eventually(async () => {
    const seen = new Set((await processed()).map((e) => e.ticketId));
    return acked.every((id) => seen.has(id));
  });

  const events = (await processed()).filter((e) => e.event === 'ticket.created');
  const seen = new Set(events.map((e) => e.ticketId));
  figure(
    'kill -9 mid-burst: acknowledged tickets never delivered',
    acked.filter((id) => !seen.has(id)).length,
    { max: 0 },
    `lost (of ${acked.length} acknowledged)`,
  );
  // In flight at the kill: sent before it and sent again after the restart, as the log held no answer.
  const before = new Set(proxy.requests.filter((r) => r.at < killedAt).map((r) => r.uuid));
  const inFlight = new Set(
    proxy.requests.filter((r) => r.at >= restartedAt && before.has(r.uuid)).map((r) => r.uuid),
  );
  // A ticket whose ticket.created the handler processed more than once, under any uuid.
  figure(
    'kill -9 mid-burst: duplicates at the receiver handler',
    events.length - seen.size,
    { max: inFlight.size },
    `duplicates (bound: ${inFlight.size} deliveries in flight at the kill)`,
  );
});

it('key rotation under a live receiver: no delivery fails verification', async () => {
  const { app, proxy, key: oldKey } = await wired();
  const first = processes[1] as ExampleProcess;
  const tickets = [...(await burst(() => app, 50))];
  const { key: newKey } = await admin(app, 'POST', '/settings/key/rotate');
  expect(newKey).not.toBe(oldKey);
  // The receiver still knows only the old key: the grace period's old-key signature carries it.
  tickets.push(...(await burst(() => app, 50)));
  // The operator rolls the receiver onto both keys, current first: the new one is up before the
  // balancer switches to it and the old one stops.
  const second = await started(RECEIVER, { HOOKDESK_KEYS: `${newKey},${oldKey}` });
  proxy.setUpstream(second.url);
  await first.stop('SIGTERM');
  tickets.push(...(await burst(() => app, 50)));
  expect(tickets).toHaveLength(150);
  await eventually(() => delivered(proxy).size >= tickets.length);
  expect(delivered(proxy).size).toBe(tickets.length);
  figure(
    'key rotation under a live receiver: failed verifications',
    proxy.requests.filter((r) => r.status === 401).length,
    { max: 0 },
    `401s (of ${proxy.requests.length} requests)`,
  );
});
