import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { Sender, type SenderOptions } from '../src/sender.js';
import { createAddressGuard, type Resolver } from '../src/ssrf-guard.js';

const receivers: TestReceiver[] = [];
const senders: Sender[] = [];
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(respond?: Parameters<typeof startTestReceiver>[0]) {
  const r = await startTestReceiver(respond);
  receivers.push(r);
  return r;
}

const loopbackResolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

function sender(options: Partial<SenderOptions> = {}) {
  const s = new Sender({
    connectTimeoutMs: 5_000,
    timeoutMs: 15_000,
    maxResponseBytes: 16 * 1024,
    guard: createAddressGuard({ allowCidrs: ['127.0.0.0/8'] }),
    resolve: loopbackResolver,
    clock: systemClock,
    ...options,
  });
  senders.push(s);
  return s;
}

const body = Buffer.from('{"uuid":"x","event":"ticket.created"}');
const headers = {
  'content-type': 'application/json',
  'content-length': String(body.length),
  'x-custom': 'a',
};

describe('Sender', () => {
  it('posts the exact bytes with the given headers and reads the status', async () => {
    const r = await receiver({ respond: { status: 202, body: 'thanks' } });
    const result = await sender().send({ url: `${r.url}?q=1`, body, headers });
    expect(result).toMatchObject({ statusCode: 202, responseExcerpt: 'thanks', error: null, blocked: false });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.body.equals(body)).toBe(true);
    expect(r.requests[0]?.path).toBe('/hook?q=1');
    expect(r.requests[0]?.headers['x-custom']).toBe('a');
    expect(r.requests[0]?.headers['content-length']).toBe(String(body.length));
    expect(r.requests[0]?.headers['transfer-encoding']).toBeUndefined();
  });

  it('never follows a redirect', async () => {
    const target = await receiver();
    const r = await receiver({ respond: { status: 302, headers: { location: target.url } } });
    const result = await sender().send({ url: r.url, body, headers });
    expect(result.statusCode).toBe(302);
    expect(target.requests).toHaveLength(0);
  });

  it('passes Retry-After on', async () => {
    const r = await receiver({ respond: { status: 429, headers: { 'retry-after': '30' } } });
    expect(await sender().send({ url: r.url, body, headers })).toMatchObject({
      statusCode: 429,
      retryAfter: '30',
    });
  });

  it('ends a hung request at the deadline', async () => {
    const r = await receiver({ respond: { hang: true } });
    const result = await sender({ timeoutMs: 300 }).send({ url: r.url, body, headers });
    expect(result.error).toBe('No complete response within 300 ms.');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('ends a response trickling one byte at a time at the deadline', async () => {
    const r = await receiver({ respond: { trickle: { intervalMs: 20 } } });
    const result = await sender({ timeoutMs: 500 }).send({ url: r.url, body, headers });
    expect(result.statusCode).toBe(200);
    expect(result.error).toBe('No complete response within 500 ms.');
    expect(result.durationMs).toBeLessThan(2_000);
    // It was trickling when the deadline hit: some bytes, far fewer than it would send.
    expect(r.bytesSent).toBeGreaterThan(3);
    expect(r.bytesSent).toBeLessThan(100);
  });

  it('keeps 16 KiB of a 50 MB response and reads no further', async () => {
    const r = await receiver({ respond: { stream: { bytes: 50 * 1024 * 1024 } } });
    const result = await sender().send({ url: r.url, body, headers });
    expect(result.statusCode).toBe(200);
    expect(result.error).toBeNull();
    expect(result.responseExcerpt).toHaveLength(16 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.abortedResponses).toBe(1);
    // Socket buffers let a few MB through at most, never the whole 50 MB.
    expect(r.bytesSent).toBeLessThan(10 * 1024 * 1024);
  });

  it('reports a refused connection', async () => {
    const r = await receiver();
    await r.close();
    receivers.pop();
    const result = await sender().send({ url: r.url, body, headers });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^Connection refused\. \(ECONNREFUSED/);
    expect(result.blocked).toBe(false);
  });

  it('blocks a private IP literal without dialling', async () => {
    const r = await receiver();
    const result = await sender({ guard: createAddressGuard() }).send({ url: r.url, body, headers });
    expect(result).toMatchObject({
      blocked: true,
      statusCode: null,
      error: 'Refused to connect: 127.0.0.1 is a loopback address.',
    });
    expect(r.requests).toHaveLength(0);
  });

  it('blocks a name that resolves to a private address at connect time (DNS rebinding)', async () => {
    const r = await receiver();
    // Public at save time, loopback when dialled.
    const answers = ['93.184.216.34', '127.0.0.1'];
    const calls: string[] = [];
    const rebinding: Resolver = async (host) => {
      calls.push(host);
      const address = answers.shift() ?? '127.0.0.1';
      return [{ address, family: 4 }];
    };
    const guard = createAddressGuard();
    const { urlProblem } = await import('../src/ssrf-guard.js');
    const url = `http://rebind.test:${r.port}/hook`;
    expect(await urlProblem(new URL(url), guard, rebinding)).toBeNull();
    const result = await sender({ guard, resolve: rebinding }).send({ url, body, headers });
    expect(result).toMatchObject({
      blocked: true,
      error: 'Refused to connect: rebind.test resolves to 127.0.0.1 is a loopback address.',
    });
    expect(calls).toEqual(['rebind.test', 'rebind.test']);
    expect(r.requests).toHaveLength(0);
  });

  it('reuses one keep-alive connection per origin', async () => {
    const r = await receiver();
    const s = sender();
    for (let i = 0; i < 5; i++) {
      await s.send({ url: r.url, body, headers });
      // undici hands the socket back to the pool a tick after the body ends.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const ports = new Set(r.requests.map((q) => q.remotePort));
    expect(r.requests).toHaveLength(5);
    expect(ports.size).toBe(1);
  });
});
