import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AdminHttpRequest } from '../../src/admin/admin-http.js';
import { matchPath } from '../../src/admin/admin-routes.js';
import { assertSameOrigin } from '../../src/admin/csrf-guard.js';
import { isJsonContentType, readJsonBody } from '../../src/admin/read-json-body.js';

function req(overrides: Partial<AdminHttpRequest>): AdminHttpRequest {
  return {
    method: 'POST',
    path: '/api/webhooks',
    query: '',
    headers: { 'content-type': 'application/json' },
    body: { kind: 'stream', stream: Readable.from([]) },
    origin: 'http://127.0.0.1:3000',
    native: null,
    ...overrides,
  };
}

describe('matchPath', () => {
  it.each([
    ['/api/webhooks', '/api/webhooks', {}],
    ['/api/webhooks/:id', '/api/webhooks/abc', { id: 'abc' }],
    ['/api/webhooks/:id', '/api/webhooks/a%2Fb', { id: 'a/b' }],
    ['/api/webhooks/:id/test', '/api/webhooks/abc/test', { id: 'abc' }],
    ['/api/webhooks/:id', '/api/webhooks/', null],
    ['/api/webhooks/:id', '/api/webhooks/abc/test', null],
    ['/api/logs', '/api/logz', null],
  ])('%s against %s', (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toEqual(expected);
  });

  it('refuses broken percent-encoding with a 400', () => {
    expect(() => matchPath('/api/webhooks/:id', '/api/webhooks/%E0%A4%A')).toThrow(
      /not valid percent-encoding/,
    );
  });
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['application/merge-patch+json', true],
    ['text/json', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('%s → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe('readJsonBody', () => {
  it('reads and parses a streamed body', async () => {
    const body = {
      kind: 'stream',
      stream: Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]),
    } as const;
    await expect(readJsonBody(req({ body }), 100)).resolves.toEqual({ a: 1 });
  });

  it('uses what a host parser already parsed or read', async () => {
    await expect(readJsonBody(req({ body: { kind: 'parsed', value: { b: 2 } } }), 100)).resolves.toEqual({
      b: 2,
    });
    await expect(readJsonBody(req({ body: { kind: 'bytes', value: '{"c":3}' } }), 100)).resolves.toEqual({
      c: 3,
    });
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    let read = false;
    const stream = (async function* () {
      read = true;
      yield Buffer.from('{}');
    })();
    const request = req({
      headers: { 'content-type': 'application/json', 'content-length': '101' },
      body: { kind: 'stream', stream },
    });
    await expect(readJsonBody(request, 100)).rejects.toMatchObject({ status: 413, code: 'body_too_large' });
    expect(read).toBe(false);
  });

  it('stops reading a streamed body as soon as it passes the limit', async () => {
    let chunks = 0;
    const stream = (async function* () {
      for (let i = 0; i < 1000; i++) {
        chunks++;
        yield Buffer.alloc(10, 0x20);
      }
    })();
    await expect(readJsonBody(req({ body: { kind: 'stream', stream } }), 100)).rejects.toMatchObject({
      status: 413,
    });
    expect(chunks).toBe(11);
  });

  it('answers 415 without a JSON content type and 400 for empty or broken JSON', async () => {
    await expect(readJsonBody(req({ headers: {} }), 100)).rejects.toMatchObject({ status: 415 });
    await expect(readJsonBody(req({ body: { kind: 'bytes', value: '  ' } }), 100)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/empty/),
    });
    await expect(readJsonBody(req({ body: { kind: 'bytes', value: '{"a":}' } }), 100)).rejects.toMatchObject({
      status: 400,
      code: 'malformed_json',
    });
  });
});

describe('assertSameOrigin', () => {
  it.each([
    ['GET', { origin: 'https://evil.example' }, null],
    ['POST', {}, null],
    ['POST', { origin: 'http://127.0.0.1:3000' }, null],
    ['PATCH', { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }, null],
    ['POST', { origin: 'https://evil.example' }, 'cross_origin_request'],
    ['DELETE', { origin: 'null' }, 'cross_origin_request'],
    ['POST', { origin: 'http://127.0.0.1:3001' }, 'cross_origin_request'],
    ['POST', { 'sec-fetch-site': 'cross-site' }, 'cross_site_request'],
    ['POST', { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' }, 'cross_site_request'],
  ])('%s with %j', (method, headers, code) => {
    const run = () => assertSameOrigin(req({ method, headers }));
    if (code === null) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ status: 403, code }));
  });
});
