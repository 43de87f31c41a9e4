import { describe, expect, it, vi } from 'vitest';
import {
  bodyTimeout,
  createReceiver,
  createSignedRequest,
  type DedupStore,
  type HookdeskEvent,
  MemoryDedupStore,
  type ReceiverRequest,
} from '../src/index.js';
import { DEFAULT_BODY_TIMEOUT_MS } from '../src/receiver-options.js';
import { ticketCreated, WIRE_KEY } from './fixtures.js';

function request(body: Buffer, headers: Record<string, string>, method = 'POST'): ReceiverRequest {
  return { method, headers, readBody: async () => body };
}

function signed(overrides = {}) {
  const { body, headers } = createSignedRequest(ticketCreated(overrides), WIRE_KEY);
  return request(body, headers);
}

describe('createReceiver', () => {
  it('routes by event type and to the catch-all handler, each once', async () => {
    const created = vi.fn();
    const all = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, on: { 'ticket.created': created }, handler: all });
    const response = await receiver.handle(signed());
    expect(response).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"status":"processed"}',
    });
    expect(created).toHaveBeenCalledTimes(1);
    expect(all).toHaveBeenCalledTimes(1);
    expect((created.mock.calls[0]![0] as HookdeskEvent).attempt).toBe(1);
  });

  it("runs the type's handler, then the catch-all once it settled; a throw in the first releases the uuid", async () => {
    const order: string[] = [];
    let failTyped = true;
    const receiver = createReceiver({
      keys: WIRE_KEY,
      onError: () => {},
      on: {
        'ticket.created': async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push('typed');
          if (failTyped) throw new Error('typed failed');
        },
      },
      handler: () => {
        order.push('all');
      },
    });
    const delivery = signed();
    expect((await receiver.handle(delivery)).status).toBe(500);
    expect(order).toEqual(['typed']);
    failTyped = false;
    expect(JSON.parse((await receiver.handle(delivery)).body)).toEqual({ status: 'processed' });
    expect(order).toEqual(['typed', 'typed', 'all']);
  });

  it('acknowledges an event type without a handler, running nothing', async () => {
    const updated = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, on: { 'ticket.updated': updated } });
    const response = await receiver.handle(signed());
    expect(JSON.parse(response.body)).toEqual({ status: 'ignored' });
    expect(updated).not.toHaveBeenCalled();
  });

  it('answers a duplicate 200 without running the handler again', async () => {
    const handler = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, handler });
    const delivery = signed();
    expect(JSON.parse((await receiver.handle(delivery)).body)).toEqual({ status: 'processed' });
    expect(await receiver.handle(delivery)).toMatchObject({ status: 200, body: '{"status":"duplicate"}' });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('answers 500 when the handler throws and processes the retry', async () => {
    const onError = vi.fn();
    let calls = 0;
    const receiver = createReceiver({
      keys: WIRE_KEY,
      onError,
      handler: () => {
        calls++;
        if (calls === 1) throw new Error('database down');
      },
    });
    const delivery = signed();
    const failed = await receiver.handle(delivery);
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({
      error: 'handler_failed',
      message: 'The handler failed; the delivery was released, so a retry is processed.',
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect((onError.mock.calls[0]![0] as Error).cause).toEqual(new Error('database down'));
    expect((await receiver.handle(delivery)).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('answers 503 when the dedup store fails before the handler, which does not run', async () => {
    const broken: DedupStore = {
      claim: () => Promise.reject(new Error('ECONNREFUSED')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    };
    const handler = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, handler, store: broken, onError: () => {} });
    const response = await receiver.handle(signed());
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).error).toBe('dedup_unavailable');
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 200 when marking done fails after the handler succeeded, and reports it', async () => {
    const memory = new MemoryDedupStore();
    const onError = vi.fn();
    const store: DedupStore = {
      claim: (uuid, lease) => memory.claim(uuid, lease),
      complete: () => Promise.reject(new Error('write failed')),
      release: (uuid, token) => memory.release(uuid, token),
    };
    const receiver = createReceiver({ keys: WIRE_KEY, handler: () => {}, store, onError });
    expect((await receiver.handle(signed())).status).toBe(200);
    expect(onError).toHaveBeenCalledWith(
      new Error('write failed'),
      expect.objectContaining({ event: 'ticket.created' }),
    );
  });

  it('refuses a body over Content-Length before reading it, and other methods', async () => {
    const readBody = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, handler: () => {}, maxBodyBytes: 10 });
    const tooLarge = await receiver.handle({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '11' },
      readBody,
    });
    expect(tooLarge.status).toBe(413);
    expect(readBody).not.toHaveBeenCalled();
    const get = await receiver.handle({ method: 'GET', headers: {}, readBody });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('hands readBody its limits, and answers its bodyTimeout with 408 and Connection: close', async () => {
    const readBody = vi.fn((_maxBytes: number, timeoutMs: number) => Promise.reject(bodyTimeout(timeoutMs)));
    const handler = vi.fn();
    const receiver = createReceiver({ keys: WIRE_KEY, handler, bodyTimeoutMs: 250 });
    const response = await receiver.handle({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      readBody,
    });
    expect(readBody).toHaveBeenCalledWith(1024 * 1024, 250);
    expect(response.status).toBe(408);
    expect(response.headers).toEqual({ 'content-type': 'application/json', connection: 'close' });
    expect(JSON.parse(response.body)).toMatchObject({ error: 'body_timeout' });
    expect(handler).not.toHaveBeenCalled();
    expect(createReceiver({ keys: WIRE_KEY, handler }).bodyTimeoutMs).toBe(DEFAULT_BODY_TIMEOUT_MS);
  });

  it('checks its options with messages naming them', () => {
    expect(() => createReceiver({ keys: WIRE_KEY })).toThrow(
      'Give `handler` (one for every event) or `on` (one per event type): nothing would run.',
    );
    expect(() => createReceiver({ keys: [], handler: () => {} })).toThrow(
      /`keys` must hold at least one key/,
    );
    expect(() => createReceiver({ keys: WIRE_KEY, on: { 'ticket.create': () => {} } as never })).toThrow(
      '`on["ticket.create"]` is not a Hookdesk event type; use one of ticket.created, ticket.updated, smart_rule.triggered, webhook.test.',
    );
    expect(() => createReceiver({ keys: WIRE_KEY, on: { 'ticket.created': 'log' } as never })).toThrow(
      '`on["ticket.created"]` must be a function.',
    );
    expect(() => createReceiver({ keys: WIRE_KEY, handler: () => {}, leaseMs: 0 })).toThrow(
      '`leaseMs` must be a positive number; leave it out for 60000.',
    );
    expect(() => createReceiver({ keys: WIRE_KEY, handler: () => {}, bodyTimeoutMs: -1 })).toThrow(
      '`bodyTimeoutMs` must be a positive number; leave it out for 15000.',
    );
    expect(() => createReceiver({ keys: WIRE_KEY, handler: () => {}, acceptSha1Only: 1 as never })).toThrow(
      '`acceptSha1Only` must be true or false; got 1.',
    );
    expect(() => createReceiver({ keys: WIRE_KEY, handler: () => {}, store: 'redis://x' as never })).toThrow(
      /`store` must be a node-redis v5 client/,
    );
  });

  it('lets a claim whose handler never finished expire after its lease', async () => {
    let now = 1_000_000;
    const store = new MemoryDedupStore({ now: () => now });
    const handler = vi.fn(() => new Promise<void>(() => {}));
    const stuck = createReceiver({ keys: WIRE_KEY, handler, store, leaseMs: 5_000 });
    const delivery = signed();
    void stuck.handle(delivery);
    await vi.waitFor(() => expect(handler).toHaveBeenCalledTimes(1));
    const retry = createReceiver({ keys: WIRE_KEY, handler: () => {}, store });
    expect((await retry.handle(delivery)).status).toBe(409);
    now += 5_001;
    expect(JSON.parse((await retry.handle(delivery)).body)).toEqual({ status: 'processed' });
  });
});
