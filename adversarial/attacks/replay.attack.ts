import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { createSignedRequest, type SignedRequest } from '@hookdesk/receiver-sdk';
import { describeWithService, REDIS_URL } from '@hookdesk/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { figure } from '../src/figure.js';

// Replay of captured deliveries against the example receiver run as a process (`pnpm run build`
// first): after the 5-minute window, after a restart that emptied the in-memory dedup store, and
// with one of the two signature headers stripped. Issue 11, defect 1: the sha1 header, which
// covers no time, let each of these through.

const RECEIVER = fileURLToPath(new URL('../../examples/receiver', import.meta.url));
const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const CAPTURED = 10;
// The capture happened this long ago: past the receiver's 5-minute tolerance.
const CAPTURED_AGO_MS = 6 * 60_000;

const processes: ExampleProcess[] = [];
afterEach(async () => {
  for (const app of processes.splice(0)) await app.stop('SIGKILL');
});

async function receiver(env: Record<string, string>): Promise<ExampleProcess> {
  const app = await startExample(RECEIVER, { HOOKDESK_KEYS: KEY, ...env });
  processes.push(app);
  return app;
}

/**
 * `NODE_OPTIONS` that run the receiver's process (pnpm, tsx, node) on a clock `offsetMs` off: the
 * moment of capture, played without waiting six minutes. Only `Date.now` moves, which is the
 * clock the SDK and its in-memory store read.
 */
function clockOffset(offsetMs: number): Record<string, string> {
  const source = `const offset = ${offsetMs}; const now = Date.now; Date.now = () => now() + offset;`;
  return { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(source)}` };
}

function delivery(n: number, timestampMs: number): SignedRequest {
  const body = {
    uuid: randomUUID(),
    event: 'ticket.created' as const,
    created_at: new Date(timestampMs).toISOString(),
    ticket: { id: n, subject: `captured ${n} ☃` },
  };
  return createSignedRequest(body, KEY, { timestamp: Math.floor(timestampMs / 1000) });
}

const uuidOf = (request: SignedRequest) => request.headers['x-hookdesk-uuid']!;

/** POSTs the bytes and headers as captured (node:http: fetch refuses a Content-Length header). */
function post(app: ExampleProcess, request: SignedRequest, strip?: string): Promise<number> {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== strip));
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${app.url}/webhooks`, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

async function processed(app: ExampleProcess): Promise<Set<string>> {
  const events = (await (await fetch(`${app.url}/events`)).json()) as { uuid: string }[];
  return new Set(events.map((event) => event.uuid));
}

/** Captured requests, each processed once by `app` when it was sent (sanity of the setup). */
async function capture(app: ExampleProcess, timestampMs: number): Promise<SignedRequest[]> {
  const captured = Array.from({ length: CAPTURED }, (_, n) => delivery(n, timestampMs));
  for (const request of captured) expect(await post(app, request)).toBe(200);
  const seen = await processed(app);
  expect(captured.every((request) => seen.has(uuidOf(request)))).toBe(true);
  return captured;
}

const REPLAYS = [
  ['as captured', undefined],
  ['webhook-signature stripped', 'webhook-signature'],
  ['X-Hookdesk-Signature stripped', 'x-hookdesk-signature'],
] as const;

it('replayed after the window, after a restart (in-memory dedup), one header stripped: processed again 0 times', async () => {
  // Six minutes ago, on the receiver's clock of then: the sender signed, the receiver processed.
  const then = await receiver(clockOffset(-CAPTURED_AGO_MS));
  const captured = await capture(then, Date.now() - CAPTURED_AGO_MS);
  await then.stop('SIGTERM');
  processes.splice(processes.indexOf(then), 1);

  // Now: the receiver restarted, its in-memory store remembers nothing.
  const now = await receiver({});
  for (const [how, strip] of REPLAYS) {
    const statuses = [];
    for (const request of captured) statuses.push(await post(now, request, strip));
    const seen = await processed(now);
    figure(
      `replay after the window and a restart, ${how}`,
      captured.filter((request) => seen.has(uuidOf(request))).length,
      { max: 0 },
      `processed again (of ${captured.length}; answers ${[...new Set(statuses)].join(', ')})`,
    );
  }
});

const describeRedis = await describeWithService('redis', describe);

describeRedis('with a durable dedup store (HOOKDESK_DEDUP_STORE=redis)', () => {
  it('replayed after a restart inside the window, sha1 opted in, one header stripped: processed again 0 times', async () => {
    // The configuration docs/wire.md asks of a receiver that accepts sha1-only senders.
    const env = { HOOKDESK_DEDUP_STORE: REDIS_URL, HOOKDESK_ACCEPT_SHA1_ONLY: '1' };
    const before = await receiver(env);
    const captured = await capture(before, Date.now());
    await before.stop('SIGTERM');
    processes.splice(processes.indexOf(before), 1);

    const after = await receiver(env);
    for (const [how, strip] of REPLAYS) {
      const statuses = [];
      for (const request of captured) statuses.push(await post(after, request, strip));
      const seen = await processed(after);
      figure(
        `replay after a restart (Redis dedup, sha1 opted in), ${how}`,
        captured.filter((request) => seen.has(uuidOf(request))).length,
        { max: 0 },
        `processed again (of ${captured.length}; answers ${[...new Set(statuses)].join(', ')})`,
      );
    }
  });
});
