import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSignedRequest } from '@hookdesk/receiver-sdk';
import type { EventBody } from '@hookdesk/wire';
import { createClient } from 'redis';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Starts the example as a user does (`pnpm --dir examples/receiver start`): it runs against the
// built packages, so `pnpm build` must have run (CI builds first).
const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_KEY = 'whsec_C2FkZmFzZGZhc2RmYXNkZmFzZGZhc2RmYXNkZmFzZGY=';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const running: ChildProcess[] = [];
afterAll(() => {
  // The whole group: pnpm, the shell it runs, tsx and the server itself, or they outlive the test.
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  ready: Promise<Started>;
} {
  const child = spawn('pnpm', ['--dir', EXAMPLE_DIR, 'start'], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const ready = new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line in 45 s:\n${output}`)), 45_000);
    child.stdout!.on('data', () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
  // A start that is meant to fail is awaited through `child` instead.
  ready.catch(() => {});
  return { child, output: () => output, ready };
}

function ticket(id: number, event: EventBody['event'] = 'ticket.created'): EventBody {
  return {
    uuid: randomUUID(),
    event,
    created_at: new Date().toISOString(),
    ticket: { id, subject: `Ticket ${id} ☃`, status: 'open' },
  } as EventBody;
}

function send(
  url: string,
  body: Uint8Array,
  headers: Record<string, string | undefined>,
  method = 'POST',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const request = http.request(`${url}/webhooks`, { method, headers: clean }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
    });
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
    });
    request.end(body);
  });
}

async function events(url: string): Promise<unknown[]> {
  const response = await fetch(`${url}/events`);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return (await response.json()) as unknown[];
}

describe('examples/receiver', () => {
  it('without HOOKDESK_KEYS prints a message naming it and exits 1', async () => {
    const { child, output } = start({ HOOKDESK_KEYS: '' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('HOOKDESK_KEYS is required');
  });

  it('answers the docs/examples.md status table and lists what it processed', async () => {
    const { url } = await start({
      HOOKDESK_KEYS: `${KEY},${OLD_KEY}`,
      RECEIVER_HANDLER_DELAY_MS: '600',
      RECEIVER_FAIL_ONCE_TICKET: '13',
    }).ready;

    // 200: either scheme, any accepted key; then 200 again for the same uuid without running the handler.
    const first = createSignedRequest(ticket(1), KEY);
    expect((await send(url, first.body, first.headers)).status).toBe(200);
    const second = createSignedRequest(ticket(2, 'ticket.updated'), OLD_KEY);
    expect(
      (await send(url, second.body, { ...second.headers, 'x-hookdesk-signature': undefined })).status,
    ).toBe(200);
    expect(await send(url, first.body, first.headers)).toEqual({
      status: 200,
      body: '{"status":"duplicate"}',
    });

    // 409: a copy while the first is still in the handler (whichever of the two arrives first).
    const slow = createSignedRequest(ticket(3), KEY);
    const copies = [
      send(url, slow.body, slow.headers),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => send(url, slow.body, slow.headers)),
    ];
    expect((await Promise.all(copies)).map((answer) => answer.status).sort()).toEqual([200, 409]);

    // 401: no signature, a wrong one, a stale timestamp (whatever the sha1 says), sha1 alone by default.
    const sha1Only = createSignedRequest(ticket(6), KEY);
    const refused = await send(url, sha1Only.body, { ...sha1Only.headers, 'webhook-signature': undefined });
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'sha1_only_refused' });
    const captured = createSignedRequest(sha1Only.body, KEY, {
      timestamp: Math.floor(Date.now() / 1000) - 360,
    });
    expect(await send(url, sha1Only.body, captured.headers)).toMatchObject({
      status: 401,
      body: expect.stringContaining('stale_timestamp'),
    });
    const unsigned = createSignedRequest(ticket(4), KEY);
    expect(
      (
        await send(url, unsigned.body, {
          ...unsigned.headers,
          'x-hookdesk-signature': undefined,
          'webhook-signature': undefined,
        })
      ).status,
    ).toBe(401);
    const forged = createSignedRequest(unsigned.body, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await send(url, unsigned.body, forged.headers)).status).toBe(401);
    const stale = createSignedRequest(unsigned.body, KEY, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(
      (await send(url, unsigned.body, { ...stale.headers, 'x-hookdesk-signature': undefined })).status,
    ).toBe(401);

    // 400: not an event, or an event not shaped as docs/wire.md says; then 413, 415.
    const notEvent = createSignedRequest(Buffer.from('{"hello":"world"}'), KEY);
    expect((await send(url, notEvent.body, notEvent.headers)).status).toBe(400);
    const nullTicket = Buffer.from(JSON.stringify({ ...ticket(7), ticket: null }));
    const nullAnswer = await send(url, nullTicket, createSignedRequest(nullTicket, KEY).headers);
    expect(nullAnswer.status).toBe(400);
    expect(JSON.parse(nullAnswer.body).message).toContain("body's `ticket` is null");
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await send(url, big, createSignedRequest(big, KEY).headers)).status).toBe(413);
    expect((await send(url, first.body, { ...first.headers, 'content-type': 'text/plain' })).status).toBe(
      415,
    );

    // 500 when the handler throws; the uuid is released, so the retry is processed.
    const failing = createSignedRequest(ticket(13), KEY);
    expect((await send(url, failing.body, failing.headers)).status).toBe(500);
    const retry = createSignedRequest(failing.body, KEY, { attempt: 2 });
    expect(await send(url, failing.body, retry.headers)).toEqual({
      status: 200,
      body: '{"status":"processed"}',
    });

    const uuid = (request: { body: Buffer }) => JSON.parse(request.body.toString()).uuid;
    expect(await events(url)).toEqual([
      { uuid: uuid(first), event: 'ticket.created', ticketId: 1 },
      { uuid: uuid(second), event: 'ticket.updated', ticketId: 2 },
      { uuid: uuid(slow), event: 'ticket.created', ticketId: 3 },
      { uuid: uuid(failing), event: 'ticket.created', ticketId: 13 },
    ]);

    // Any other route: a JSON 404 that says where deliveries go.
    const unknown = await fetch(`${url}/webhook`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
    const answer = (await unknown.json()) as { error: { message: string } };
    expect(answer.error.message).toContain('POST /webhooks');
  });

  it('with HOOKDESK_ACCEPT_SHA1_ONLY=1 processes sha1-only requests once, still refusing stale ones', async () => {
    const started = start({ HOOKDESK_KEYS: KEY, HOOKDESK_ACCEPT_SHA1_ONLY: '1' });
    const { url } = await started.ready;
    expect(started.output()).toContain('HOOKDESK_ACCEPT_SHA1_ONLY=1 without HOOKDESK_DEDUP_STORE');
    const delivery = createSignedRequest(ticket(8), KEY);
    const sha1Only = { ...delivery.headers, 'webhook-signature': undefined };
    expect(await send(url, delivery.body, sha1Only)).toEqual({ status: 200, body: '{"status":"processed"}' });
    expect(await send(url, delivery.body, sha1Only)).toEqual({ status: 200, body: '{"status":"duplicate"}' });
    const stale = createSignedRequest(ticket(9), KEY, { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect((await send(url, stale.body, stale.headers)).status).toBe(401);
    expect(await events(url)).toHaveLength(1);
  });

  it('answers 408 and closes a connection whose headers or body never finish', async () => {
    const { url } = await start({ HOOKDESK_KEYS: KEY }).ready;
    const { port } = new URL(url);
    const delivery = createSignedRequest(ticket(10), KEY);
    const head = `POST /webhooks HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(delivery.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}`;
    // Each socket stops mid-way and waits; the server must answer and close, not wait with it.
    const stalled = async (bytes: string) => {
      const socket = connect(Number(port), '127.0.0.1');
      const startedAt = Date.now();
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      socket.write(bytes);
      await once(socket, 'close');
      return { text, ms: Date.now() - startedAt };
    };
    const [body, headers] = await Promise.all([
      stalled(`${head}\r\n${delivery.body.subarray(0, 20).toString('latin1')}`),
      stalled(head),
    ]);
    expect(body.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(body.text).toContain('body_timeout');
    expect(headers.text).toMatch(/^HTTP\/1\.1 408 /);
    // BODY_TIMEOUT_MS and headersTimeout are 5 s, checked every second.
    for (const { ms } of [body, headers]) {
      expect(ms).toBeGreaterThanOrEqual(4_900);
      expect(ms).toBeLessThan(8_000);
    }
  });

  it('finishes the request in flight on SIGTERM, then stops', async () => {
    const started = await start({ HOOKDESK_KEYS: KEY, RECEIVER_HANDLER_DELAY_MS: '1500' }).ready;
    const request = createSignedRequest(ticket(5), KEY);
    const inFlight = send(started.url, request.body, request.headers);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The whole process group: pnpm, tsx and node, as a terminal or a supervisor signals them.
    process.kill(-started.child.pid!, 'SIGTERM');
    expect((await inFlight).status).toBe(200);
    // pnpm itself dies of the signal at once; what counts is that the server drained and stopped cleanly.
    await vi.waitFor(() => expect(started.output()).toContain('stopped\n'), { timeout: 10_000 });
    expect(started.output()).toMatch(
      /SIGTERM: finishing requests in flight, then exiting\n(.|\n)*processed ticket.created(.|\n)*\nstopped\n/,
    );
  });
});

const redisUp = await createClient({
  url: REDIS_URL,
  socket: { reconnectStrategy: false, connectTimeout: 1000 },
})
  .on('error', () => {})
  .connect()
  .then(async (client) => {
    await client.quit();
    return true;
  })
  .catch((error: Error) => {
    if (process.env.CI === 'true')
      throw new Error(`Redis is required under CI=true: ${REDIS_URL}: ${error.message}`);
    console.warn(`Skipping the HOOKDESK_DEDUP_STORE test: ${REDIS_URL} does not answer (${error.message}).`);
    return false;
  });

describe.skipIf(!redisUp)('examples/receiver with HOOKDESK_DEDUP_STORE=redis://…', () => {
  it('two instances process a delivery sent to both once', async () => {
    const env = { HOOKDESK_KEYS: KEY, HOOKDESK_DEDUP_STORE: REDIS_URL, RECEIVER_HANDLER_DELAY_MS: '200' };
    const [a, b] = await Promise.all([start(env).ready, start(env).ready]);
    const delivery = createSignedRequest(ticket(21), KEY);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(i % 2 ? a.url : b.url, delivery.body, delivery.headers)),
    );
    expect(answers.filter((answer) => answer.body === '{"status":"processed"}')).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    expect((await send(b.url, delivery.body, delivery.headers)).body).toBe('{"status":"duplicate"}');
    expect([...(await events(a.url)), ...(await events(b.url))]).toHaveLength(1);
  });
});
