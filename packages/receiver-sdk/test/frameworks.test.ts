import { once } from 'node:events';
import http from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createReceiver, createSignedRequest, expressReceiver, type HookdeskEvent } from '../src/index.js';
import { OTHER_KEY, ticketCreated, WIRE_KEY } from './fixtures.js';
import { FRAMEWORKS, listen, post, type RunningServer } from './servers.js';

const MIB = 1024 * 1024;

// Bytes as a sender would send them, for bodies the typed `createSignedRequest` would refuse.
const body0 = (delivery: object) => Buffer.from(JSON.stringify(delivery));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.each(Object.entries(FRAMEWORKS))('%s answers the status table', (_name, makeServer) => {
  const handled: HookdeskEvent[] = [];
  const gates = new Map<string, Promise<void>>();
  const failOnce = new Set<string>();
  const receiver = createReceiver({
    keys: [WIRE_KEY, OTHER_KEY],
    onError: () => {},
    handler: async (event) => {
      handled.push(event);
      await gates.get(event.uuid);
      if (failOnce.delete(event.uuid)) throw new Error('handler failed');
    },
  });
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(makeServer(receiver));
  });
  afterAll(() => server.close());

  const count = (uuid: string) => handled.filter((event) => event.uuid === uuid).length;

  it('200 processed, then 200 duplicate without running the handler again', async () => {
    const body = ticketCreated();
    const { body: bytes, headers } = createSignedRequest(body, OTHER_KEY, { attempt: 2 });
    expect(await post(server.url, bytes, headers)).toEqual({ status: 200, body: { status: 'processed' } });
    expect(await post(server.url, bytes, headers)).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(count(body.uuid)).toBe(1);
    const event = handled.find((e) => e.uuid === body.uuid)!;
    expect(event.attempt).toBe(2);
    expect(event).toMatchObject({ event: 'ticket.created', ticket: { subject: 'Printer on fire ☃' } });
  });

  it('200 by Standard Webhooks alone', async () => {
    const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
    delete headers['x-hookdesk-signature'];
    expect((await post(server.url, body, headers)).status).toBe(200);
  });

  it('409 for a copy while the first is processed, then 200 for the first', async () => {
    const body = ticketCreated();
    const gate = deferred();
    gates.set(body.uuid, gate.promise);
    const { body: bytes, headers } = createSignedRequest(body, WIRE_KEY);
    const first = post(server.url, bytes, headers);
    await vi.waitFor(() => expect(count(body.uuid)).toBe(1));
    const copy = await post(server.url, bytes, headers);
    expect(copy.status).toBe(409);
    expect(copy.body).toEqual({
      error: 'in_progress',
      message: 'This delivery is being processed by another request: retry later.',
    });
    gate.resolve();
    expect((await first).status).toBe(200);
    expect(count(body.uuid)).toBe(1);
  });

  it('401 without a signature, with a wrong one, or a stale timestamp', async () => {
    const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
    const { 'x-hookdesk-signature': _, 'webhook-signature': __, ...unsigned } = headers;
    expect(await post(server.url, body, unsigned)).toMatchObject({
      status: 401,
      body: { error: 'missing_signature' },
    });
    const wrong = createSignedRequest(body, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').headers;
    expect(await post(server.url, body, wrong)).toMatchObject({
      status: 401,
      body: { error: 'bad_signature' },
    });
    const stale = createSignedRequest(body, WIRE_KEY, {
      timestamp: Math.floor(Date.now() / 1000) - 301,
    }).headers;
    expect(await post(server.url, body, stale)).toMatchObject({
      status: 401,
      body: { error: 'stale_timestamp' },
    });
  });

  it('401 for a stripped webhook-signature (sha1 only) and for a stale one beside a valid sha1', async () => {
    const delivery = ticketCreated();
    const { body, headers } = createSignedRequest(delivery, WIRE_KEY);
    const { 'webhook-signature': _, ...sha1Only } = headers;
    expect(await post(server.url, body, sha1Only)).toMatchObject({
      status: 401,
      body: { error: 'sha1_only_refused', message: expect.stringContaining('`acceptSha1Only: true`') },
    });
    // Captured 6 minutes ago: the sha1 still matches the body, the timestamp no longer passes.
    const captured = createSignedRequest(body, WIRE_KEY, { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(await post(server.url, body, captured.headers)).toMatchObject({
      status: 401,
      body: { error: 'stale_timestamp' },
    });
    expect(count(delivery.uuid)).toBe(0);
  });

  it('400 for a validly signed body that is not an object with uuid and event', async () => {
    const { body, headers } = createSignedRequest(Buffer.from('{"hello":"world"}'), WIRE_KEY);
    expect(await post(server.url, body, headers)).toMatchObject({
      status: 400,
      body: { error: 'malformed_body', message: 'The signed body has no string `uuid`.' },
    });
  });

  it('400 naming the field for a validly signed "ticket": null, never reaching the handler', async () => {
    const delivery = ticketCreated({ ticket: null } as never);
    const { body, headers } = createSignedRequest(body0(delivery), WIRE_KEY);
    expect(await post(server.url, body, headers)).toMatchObject({
      status: 400,
      body: {
        error: 'malformed_body',
        message: expect.stringContaining("The signed ticket.created body's `ticket` is null"),
      },
    });
    expect(count(delivery.uuid)).toBe(0);
  });

  it('413 for a Content-Length over 1 MiB and for a chunked body growing past it', async () => {
    // Valid JSON, so a body parser in front of the helper does not refuse it first.
    const big = Buffer.from(`{"pad":"${' '.repeat(MIB + 1 - 10)}"}`);
    expect(big.byteLength).toBe(MIB + 1);
    const { headers } = createSignedRequest(big, WIRE_KEY);
    expect(await post(server.url, big, headers)).toMatchObject({
      status: 413,
      body: { error: 'body_too_large', message: expect.stringMatching(/larger than 1048576 bytes/) },
    });
    const { 'content-length': _, ...chunked } = headers;
    async function* chunks() {
      yield Buffer.from('{"pad":"');
      for (let i = 0; i < 24; i++) yield Buffer.alloc(64 * 1024, 0x20);
      yield Buffer.from('"}');
    }
    expect(await post(server.url, chunks(), chunked)).toMatchObject({ status: 413 });
  });

  it('415 when the Content-Type is not JSON', async () => {
    const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
    expect(await post(server.url, body, { ...headers, 'content-type': 'text/plain' })).toMatchObject({
      status: 415,
      body: {
        error: 'unsupported_media_type',
        message: 'A Hookdesk delivery is application/json; this request\'s Content-Type is "text/plain".',
      },
    });
  });

  it('500 when the handler throws, and the retry is processed', async () => {
    const body = ticketCreated();
    failOnce.add(body.uuid);
    const { body: bytes, headers } = createSignedRequest(body, WIRE_KEY);
    expect(await post(server.url, bytes, headers)).toMatchObject({
      status: 500,
      body: { error: 'handler_failed' },
    });
    expect(await post(server.url, bytes, headers)).toEqual({ status: 200, body: { status: 'processed' } });
    expect(count(body.uuid)).toBe(2);
  });

  it('405 for another method', async () => {
    expect(await post(server.url, Buffer.alloc(0), {}, 'GET')).toMatchObject({
      status: 405,
      body: { error: 'method_not_allowed' },
    });
  });
});

describe.each(Object.entries(FRAMEWORKS))('%s with acceptSha1Only: true', (_name, makeServer) => {
  const handled: string[] = [];
  let server: RunningServer;
  beforeAll(async () => {
    const receiver = createReceiver({
      keys: WIRE_KEY,
      acceptSha1Only: true,
      handler: (event) => {
        handled.push(event.uuid);
      },
    });
    server = await listen(makeServer(receiver));
  });
  afterAll(() => server.close());

  it('processes a request signed only with X-Hookdesk-Signature once, and still refuses a stale Standard one', async () => {
    const delivery = ticketCreated();
    const { body, headers } = createSignedRequest(delivery, WIRE_KEY);
    const { 'webhook-signature': _, ...sha1Only } = headers;
    expect(await post(server.url, body, sha1Only)).toEqual({ status: 200, body: { status: 'processed' } });
    expect(await post(server.url, body, sha1Only)).toEqual({ status: 200, body: { status: 'duplicate' } });
    const stale = createSignedRequest(ticketCreated(), WIRE_KEY, {
      timestamp: Math.floor(Date.now() / 1000) - 360,
    });
    expect(await post(server.url, stale.body, stale.headers)).toMatchObject({
      status: 401,
      body: { error: 'stale_timestamp' },
    });
    expect(handled).toEqual([delivery.uuid]);
  });
});

// The helpers that read the body themselves on Node; a body parser in front, or a Fetch runtime,
// reads it under its own server's timeouts.
const NODE_FRAMEWORKS = Object.entries(FRAMEWORKS).filter(([name]) =>
  ['node:http', 'express', 'koa'].includes(name),
);

describe.each(NODE_FRAMEWORKS)('%s with a body that never arrives', (_name, makeServer) => {
  let server: RunningServer;
  const handler = vi.fn();
  beforeAll(async () => {
    server = await listen(makeServer(createReceiver({ keys: WIRE_KEY, handler, bodyTimeoutMs: 300 })));
  });
  afterAll(() => server.close());

  it('answers 408 body_timeout after bodyTimeoutMs and closes the connection', async () => {
    const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
    const started = Date.now();
    const request = http.request(server.url, { method: 'POST', headers });
    // Half the body, then nothing: the client holds the request open.
    request.write(body.subarray(0, body.byteLength >> 1));
    const [response] = (await once(request, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const chunk of response) text += chunk;
    await once(request.socket!, 'close');
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(408);
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(text)).toEqual({
      error: 'body_timeout',
      message:
        'The body did not arrive within 300 ms: a Hookdesk sender sends it whole at once (Content-Length); raise `bodyTimeoutMs` if your network is that slow.',
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('express after a plain express.json()', () => {
  it('answers 500 with the one-line fix, never verifying re-serialized JSON', async () => {
    const onError = vi.fn();
    const handler = vi.fn();
    const app = express();
    app.use(express.json());
    app.post('/webhooks', expressReceiver({ keys: WIRE_KEY, handler, onError }));
    const server = await listen(http.createServer(app));
    try {
      const { body, headers } = createSignedRequest(ticketCreated(), WIRE_KEY);
      const answer = await post(server.url, body, headers);
      expect(answer.status).toBe(500);
      expect(answer.body.error).toBe('raw_body_unavailable');
      expect(answer.body.message).toContain(
        'mount the Hookdesk route before express.json(), or use express.json({ verify: captureRawBody }) with captureRawBody from @hookdesk/receiver-sdk.',
      );
      expect(onError).toHaveBeenCalledTimes(1);
      expect(handler).not.toHaveBeenCalled();
    } finally {
      await server.close();
    }
  });
});
