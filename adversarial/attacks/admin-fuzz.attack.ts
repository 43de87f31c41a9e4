import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerToken, buildOpenApiDocument, createHookdesk, type Hookdesk } from '@hookdesk/core';
import { hookdeskAdmin } from '@hookdesk/express';
import { installSmartRules } from '@hookdesk/smart-rules';
import { createStorage, type HookdeskStorage } from '@hookdesk/storage';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import { figure } from '../src/figure.js';

// fast-check over the admin API's bodies, path parameters and query strings, against a real
// server: the Express adapter on port 0 over the embedded (lmdb) store, a real host's default and
// the one whose 1,978-byte key limit turned long ids into 500s. Nothing is dialled: the resolver
// answers a public address for every name and no ticket event is recorded, so no delivery exists.

const TOKEN = 'adversarial-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const M = '/admin/webhooks';
const SEED = 11;
const RUNS = { bodies: 400, params: 400, queries: 400 };
// Bigger than any honest error answer; a body this size repeats the input.
const MAX_ERROR_BYTES = 16 * 1024;

let dir: string;
let storage: HookdeskStorage;
let hookdesk: Hookdesk;
let server: ReturnType<ReturnType<typeof express>['listen']>;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hookdesk-admin-fuzz-'));
  storage = await createStorage({ path: dir });
  hookdesk = createHookdesk({
    storage,
    resolve: async () => [{ address: '93.184.216.34', family: 4 }],
  });
  installSmartRules(hookdesk);
  await hookdesk.ready();
  const app = express();
  app.use(M, hookdeskAdmin(hookdesk, { authorize: bearerToken(TOKEN), logger: adminLog }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${M}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await hookdesk?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

// What the admin API logs (its 5xx causes): counted, and never longer than a line should be.
const logged: string[] = [];
const adminLog = {
  warn: (obj: object, msg?: string) => logged.push(`${msg} ${JSON.stringify(obj)}`),
  error: (obj: object, msg?: string) =>
    logged.push(`${msg} ${String((obj as { err?: Error }).err?.message ?? JSON.stringify(obj))}`),
};

interface Outcome {
  what: string;
  status: number;
  body: string;
  allow: string | null;
}
const outcomes: Outcome[] = [];

async function call(method: string, path: string, body?: string, contentType = 'application/json') {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': contentType }) },
    body,
  });
  const text = await res.text();
  outcomes.push({
    what: `${method} ${path.slice(0, 120)} ${body === undefined ? '' : body.slice(0, 120)}`,
    status: res.status,
    body: text,
    allow: res.headers.get('allow'),
  });
}

/**
 * Whether a 4xx says what was wrong: the docs/admin-api.md error shape with a real sentence, and for a
 * 422 the field it is about (its first detail's path in the message), for a 404 the id or route.
 */
function namesTheProblem(outcome: Outcome): boolean {
  let error: { code?: unknown; message?: unknown; details?: unknown };
  try {
    error = (JSON.parse(outcome.body) as { error: typeof error }).error;
  } catch {
    return false;
  }
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return false;
  const message = error.message;
  if (message.length < 15 || /(^|: )Invalid input\.?$/.test(message)) return false;
  if (!Array.isArray(error.details)) return false;
  switch (outcome.status) {
    case 422: {
      const first = error.details[0] as { path?: unknown; message?: unknown } | undefined;
      if (!first || typeof first.path !== 'string' || typeof first.message !== 'string') return false;
      return first.path === '' || message.includes(first.path) || message.includes(`The ${first.path} `);
    }
    case 404:
      return /\b(id|uuid|route)\b/.test(message);
    case 405:
      return outcome.allow !== null;
    default:
      return true;
  }
}

// ---- arbitraries ------------------------------------------------------------------------------

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // UTF-16 code units one by one: lone surrogates, NUL, CR and LF included.
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.integer({ min: 150, max: 4000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('', ' ', '\r\n', '\u0000', 'é€', '..', '%', '%2F', 'generate', '__proto__', 'constructor'),
);
const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);
const url = fc.oneof(
  fc.webUrl(),
  text,
  fc.constant('http://127.0.0.1:9/x'),
  fc.integer({ min: 2000, max: 100_000 }).map((n) => `https://example.com/${'a'.repeat(n)}`),
);
const headers = fc.oneof(
  fc.dictionary(text, text, { maxKeys: 5 }),
  fc
    .integer({ min: 1, max: 600 })
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v'.repeat(1000)]))),
  json,
);
const webhookBody = fc.record(
  {
    url,
    events: fc.oneof(fc.subarray(['ticket.created', 'ticket.updated', 'ticket.deleted']), json),
    active: fc.oneof(fc.boolean(), json),
    name: json,
    description: json,
    headers,
    key: fc.oneof(fc.constantFrom('generate', null, 5, `whsec_${'A'.repeat(44)}`), json),
  },
  { requiredKeys: [] },
);
const filter = fc.record(
  {
    status: fc.oneof(fc.constantFrom('pending', 'succeeded', 'failed'), json),
    webhookId: json,
    ruleId: json,
    event: json,
    since: json,
    until: json,
  },
  { requiredKeys: [] },
);
const resendBody = fc.oneof(
  fc.record(
    { ids: fc.oneof(fc.array(fc.oneof(fc.uuid(), text), { maxLength: 5 }), json) },
    { requiredKeys: [] },
  ),
  fc.integer({ min: 999, max: 1002 }).map((n) => ({ ids: Array.from({ length: n }, (_, i) => `id-${i}`) })),
  fc.record({ filter: fc.oneof(filter, json) }),
  fc.record({ ids: fc.array(text, { maxLength: 2 }), filter }),
  json,
);
const ruleBody = fc.record(
  {
    name: json,
    description: json,
    active: json,
    categories: fc.oneof(fc.array(text, { maxLength: 3 }), json),
    workSchedule: fc.oneof(fc.constant(null), json),
    conditions: fc.oneof(
      fc.record({ all: fc.array(fc.record({ field: text, op: text, value: json }), { maxLength: 3 }) }),
      json,
    ),
    action: fc.oneof(fc.record({ type: fc.constant('trigger_webhook'), url }), json),
  },
  { requiredKeys: [] },
);
const rawBody = fc.oneof(
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 1000, max: 6000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

/**
 * `encodeURIComponent` for any string, lone surrogates too (as UTF-8's replacement character).
 * Unreserved characters stay as they are, so the longest request stays under Node's 16 KiB header
 * limit (over it Node itself answers 431, before any adapter runs).
 */
function pct(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte)) && byte < 0x80
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

/** Every route of the router's table with a body, from the OpenAPI document built from it. */
function routes(): { method: string; path: string }[] {
  const paths = buildOpenApiDocument(hookdesk.adminRoutes()).paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  );
}

// ---- the attack -------------------------------------------------------------------------------

it('fuzzes the admin API: no 5xx, every 4xx names what was wrong', async () => {
  const table = routes();
  const kept = await fetch(`${base}/api/webhooks`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://hooks.example.com/a', events: ['ticket.created'] }),
  }).then((res) => res.json() as Promise<{ id: string }>);
  const rule = await fetch(`${base}/api/smart-rules`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'kept',
      conditions: { all: [] },
      action: { type: 'trigger_webhook', url: 'https://hooks.example.com/r' },
    }),
  }).then((res) => res.json() as Promise<{ id: string }>);
  const started = Date.now();

  // The inputs issue 11 found, once each, then the fuzz around them.
  const long = 'a'.repeat(3000);
  const webhook = (extra: object) =>
    JSON.stringify({ url: 'https://hooks.example.com/b', events: ['ticket.created'], ...extra });
  // Each with the field its 4xx must name (the message, past any "The … is not valid." lead-in).
  const found: [string, string, string | undefined, RegExp][] = [
    ['GET', '/api/logs?cursor=zzz', undefined, /`cursor`/],
    ['GET', `/api/logs?webhookId=${long}`, undefined, /webhookId: /],
    ['DELETE', `/api/webhooks/${long}`, undefined, /The id in the path/],
    ['GET', `/api/logs/${long}`, undefined, /The uuid in the path/],
    ['POST', '/api/logs/resend', JSON.stringify({ ids: [long] }), /ids\.0: /],
    [
      'POST',
      '/api/logs/resend',
      JSON.stringify({ ids: Array.from({ length: 1001 }, (_, i) => `${i}`) }),
      /ids: Resend at most 1000/,
    ],
    ['POST', '/api/logs/resend', JSON.stringify({ filter: { status: 'lost' } }), /filter\.status: /],
    ['POST', '/api/webhooks', webhook({ key: 5 }), /key: key is a string/],
    ['POST', '/api/webhooks', webhook({ headers: { 'x-a': 'é€' } }), /headers\.x-a: /],
    ['POST', '/api/webhooks', webhook({ url: `https://hooks.example.com/${'a'.repeat(100_000)}` }), /url: /],
    [
      'POST',
      '/api/webhooks',
      webhook({
        headers: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`x-${i}`, 'v'.repeat(1000)])),
      }),
      /headers: The custom headers take/,
    ],
    [
      'POST',
      '/api/webhooks',
      webhook({
        headers: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`bad name ${i}`, 'v'])),
      }),
      /headers\.bad name 0: /,
    ],
  ];
  const missed: string[] = [];
  for (const [method, path, body, names] of found) {
    await call(method, path, body);
    const outcome = outcomes.at(-1)!;
    const refused = outcome.status >= 400 && outcome.status < 500;
    if (!refused || !names.test(outcome.body)) missed.push(`${outcome.status} ${outcome.what.slice(0, 80)}`);
  }

  // Bodies: every write route, typed shapes and anything at all, JSON or raw.
  const bodyRoutes: [string, string, fc.Arbitrary<unknown>][] = [
    ['POST', '/api/webhooks', webhookBody],
    ['PATCH', `/api/webhooks/${kept.id}`, webhookBody],
    ['PATCH', '/api/settings', fc.record({ active: json }, { requiredKeys: [] })],
    ['POST', '/api/smart-rules', ruleBody],
    ['PATCH', `/api/smart-rules/${rule.id}`, ruleBody],
    ['POST', '/api/logs/resend', resendBody],
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        ...bodyRoutes.map(([method, path, arbitrary]) =>
          fc.tuple(
            fc.constant(method),
            fc.constant(path),
            arbitrary.map((value) => JSON.stringify(value)),
          ),
        ),
      ),
      fc.option(rawBody, { freq: 5 }),
      async ([method, path, body], raw) => {
        await call(method, path, raw ?? body);
        // Keep the switch on and the kept webhook alive, so later runs reach the same code.
        await call('PATCH', '/api/settings', '{"active":true}');
      },
    ),
    { numRuns: RUNS.bodies, seed: SEED },
  );

  // Path parameters: any text, percent-encoded (or not), in every parametrised route.
  const parametrised = table.filter((route) => route.path.includes('{'));
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...parametrised),
      text,
      fc.boolean(),
      async ({ method, path }, id, encode) => {
        // POST …/test would dial: only with ids that cannot name a webhook (never the kept one).
        const param = encode ? pct(id) : id.replace(/[/?#\s]/g, '_');
        const body = method === 'POST' || method === 'PATCH' ? '{}' : undefined;
        await call(method, path.replace(/\{[a-zA-Z]+\}/g, param || '_'), body);
      },
    ),
    { numRuns: RUNS.params, seed: SEED },
  );

  // Query strings of GET /api/logs: known and unknown names, repeated, any value, forged cursors.
  const names = fc.constantFrom(
    'status',
    'webhookId',
    'ruleId',
    'event',
    'since',
    'until',
    'limit',
    'cursor',
    'colour',
  );
  const cursor = fc.oneof(
    text.map((value) => Buffer.from(value, 'utf8').toString('base64url')),
    fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 13n - 1n }), text)
      .map(([ms, id]) =>
        Buffer.from(`v1:${ms.toString().padStart(13, '0')}:${id}`, 'utf8').toString('base64url'),
      ),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(names, fc.oneof(text, cursor, fc.integer().map(String))), { maxLength: 3 }),
      async (pairs) => {
        const query = pairs.map(([name, value]) => `${name}=${pct(value)}`).join('&');
        await call('GET', `/api/logs?${query}`);
      },
    ),
    { numRuns: RUNS.queries, seed: SEED },
  );

  const serverErrors = outcomes.filter((o) => o.status >= 500);
  const unnamed = outcomes.filter((o) => o.status >= 400 && o.status < 500 && !namesTheProblem(o));
  const oversized = outcomes.filter((o) => o.status >= 400 && Buffer.byteLength(o.body) > MAX_ERROR_BYTES);
  for (const o of [...serverErrors, ...unnamed, ...oversized].slice(0, 8)) {
    console.log(`  ${o.status} ${o.what} → ${o.body.slice(0, 300)}`);
  }
  const statuses = new Map<number, number>();
  for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
  console.log(
    `  ${outcomes.length} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  for (const line of missed) console.log(`  missed: ${line}`);
  figure(
    'admin fuzz: issue 11 inputs not refused with a 4xx naming the field',
    missed.length,
    { max: 0 },
    'inputs',
  );
  figure('admin fuzz: 5xx answers', serverErrors.length, { max: 0 }, 'responses');
  figure('admin fuzz: 4xx not naming what was wrong', unnamed.length, { max: 0 }, 'responses');
  figure(
    `admin fuzz: error answers over ${MAX_ERROR_BYTES} bytes`,
    oversized.length,
    { max: 0 },
    'responses',
  );
  figure(
    'admin fuzz: admin API log lines over 1 KB',
    logged.filter((l) => l.length > 1024).length,
    { max: 0 },
    'lines',
  );
});
