import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import { namesTheProblem } from '../src/admin-error-shape.js';
import {
  forgedCursor,
  json,
  logQueryName,
  pct,
  rawBody,
  resendBody,
  ruleBody,
  text,
  webhookBody,
} from '../src/admin-fuzz-arbitraries.js';
import { type AdminFuzzTarget, AUTH, startAdminFuzzTarget } from '../src/admin-fuzz-target.js';
import { figure } from '../src/figure.js';

// fast-check over the admin API's bodies, path parameters and query strings, against a real
// server (`startAdminFuzzTarget`: the Express adapter over the embedded store, nothing dialled).

const SEED = 11;
const RUNS = { bodies: 400, params: 400, queries: 400 };
// Bigger than any honest error answer; a body this size repeats the input.
const MAX_ERROR_BYTES = 16 * 1024;

let target: AdminFuzzTarget | undefined;

beforeAll(async () => {
  target = await startAdminFuzzTarget();
});

afterAll(async () => {
  await target?.close();
});

// ---- the attack -------------------------------------------------------------------------------

it('fuzzes the admin API: no 5xx, every 4xx names what was wrong', async () => {
  const { base, call, outcomes, logged } = target!;
  const table = target!.routes();
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
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(logQueryName, fc.oneof(text, forgedCursor, fc.integer().map(String))), {
        maxLength: 3,
      }),
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
