import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExampleProcess, startExample } from '@hookdesk/example-suites';
import { startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { afterEach, expect, it } from 'vitest';
import { figure } from '../src/figure.js';

// Secrets in places they do not belong: the example helpdesk (a process, as a user starts it) runs
// with canary values for the admin token and webhook keys, and the account key it generates (and
// the one rotation makes) is read once from its key route and watched as a canary too. It is driven
// through normal and failing paths; every byte it prints, answers and sends is searched for them.

const root = fileURLToPath(new URL('../../', import.meta.url));
const HELPDESK = `${root}examples/express-helpdesk`;

/** `whsec_` + base64 of a recognisable secret (24 to 64 bytes, as a key must hold). */
const key = (secret: string) => `whsec_${Buffer.from(secret).toString('base64')}`;
const TOKEN = 'canary-admin-token-7Hq2xP9wLm4Rv8Ns';
const WRONG_TOKEN = 'canary-mistyped-token-Zk3Jd8Qe1Wu5';
const WEBHOOK_KEY = key('canary-webhook-key-one-4Fj9Ls2Kd7Pq');
const OTHER_WEBHOOK_KEY = key('canary-webhook-key-two-8Gh3Mn6Bv1Xc');
const PATCHED_WEBHOOK_KEY = key('canary-webhook-key-three-2Rt5Yu9Io');
/** Too short to be accepted: the error must still not repeat it. */
const BAD_WEBHOOK_KEY = key('canary-short-key');

/** One HTTP exchange with the helpdesk. */
interface Exchange {
  what: string;
  status: number;
  /** Headers and body of the answer. */
  text: string;
  /** A route whose job is to answer a key (docs/admin-api.md): its answer is not searched. */
  keyRoute: boolean;
}

const processes: ExampleProcess[] = [];
const receivers: TestReceiver[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const app of processes.splice(0)) await app.stop('SIGKILL');
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Occurrences of any canary in `text`: the whole key, or its part after `whsec_` on its own. */
function occurrences(text: string, canaries: ReadonlySet<string>): number {
  let count = 0;
  for (const canary of canaries) {
    const needle = canary.startsWith('whsec_') ? canary.slice('whsec_'.length) : canary;
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count++;
  }
  return count;
}

it('canary secrets: 0 in output, error answers, other answers and deliveries', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookdesk-canary-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const app = await startExample(HELPDESK, {
    HOOKDESK_DATA_DIR: dataDir,
    HOOKDESK_ADMIN_TOKEN: TOKEN,
    HOOKDESK_ALLOW_PRIVATE_NETWORKS: '1',
    HOOKDESK_RETRY_SCHEDULE: '100ms,200ms',
  });
  processes.push(app);
  const ok = await startTestReceiver({ respond: { status: 200, body: 'ok' } });
  // Fails loudly, and repeats every request header it got in its answer (which lands in the log).
  const failing = await startTestReceiver({
    respond: (request) => ({ status: 500, body: `exploded: ${JSON.stringify(request.headers)}` }),
  });
  receivers.push(ok, failing);
  const gone = await startTestReceiver();
  await gone.close();

  const canaries = new Set([
    TOKEN,
    WRONG_TOKEN,
    WEBHOOK_KEY,
    OTHER_WEBHOOK_KEY,
    PATCHED_WEBHOOK_KEY,
    BAD_WEBHOOK_KEY,
  ]);
  const exchanges: Exchange[] = [];
  const call = async (
    what: string,
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; auth?: string | null; keyRoute?: boolean } = {},
  ) => {
    const auth = options.auth === undefined ? `Bearer ${TOKEN}` : options.auth;
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: {
        ...(auth === null ? {} : { authorization: auth }),
        ...(options.body !== undefined || options.raw !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
      },
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const body = await res.text();
    const text = `${[...res.headers].map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${body}`;
    exchanges.push({ what, status: res.status, text, keyRoute: options.keyRoute ?? false });
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Not JSON (the admin page, a 204): searched as text all the same.
    }
    return { status: res.status, json };
  };
  const adminApi = '/admin/webhooks/api';
  const until = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };

  // The account key, read once from the route that exists to give it.
  const accountKey = (
    await call('read the account key', 'GET', `${adminApi}/settings/key`, { keyRoute: true })
  ).json.key as string;
  expect(accountKey).toMatch(/^whsec_/);
  canaries.add(accountKey);

  // ---- bad auth, on every kind of route, the key routes first
  for (const [what, auth] of [
    ['no token', null],
    ['mistyped token', `Bearer ${WRONG_TOKEN}`],
    ['the right token without Bearer', TOKEN],
    ['a token with a space', `Bearer ${TOKEN} x`],
    ['basic auth', `Basic ${Buffer.from(`admin:${WRONG_TOKEN}`).toString('base64')}`],
  ] as const) {
    for (const [method, path] of [
      ['GET', '/settings/key'],
      ['POST', '/settings/key/rotate'],
      ['GET', '/settings'],
      ['GET', '/webhooks'],
      ['GET', '/logs'],
    ] as const) {
      const { status } = await call(`${what}: ${method} ${path}`, method, `${adminApi}${path}`, { auth });
      expect([401, 403], `${what}: ${method} ${path}`).toContain(status);
    }
  }

  // ---- webhooks: keys given, generated, edited; bad input around keys
  const created = await call('create with a given key', 'POST', `${adminApi}/webhooks`, {
    body: { url: ok.url, events: ['ticket.created', 'ticket.updated'], key: WEBHOOK_KEY },
  });
  expect(created.status).toBe(201);
  const okId = created.json.id as string;
  const failingHook = await call('create, failing receiver', 'POST', `${adminApi}/webhooks`, {
    body: { url: failing.url, events: ['ticket.created', 'ticket.updated'], key: OTHER_WEBHOOK_KEY },
  });
  const failingId = failingHook.json.id as string;
  await call('create, receiver gone', 'POST', `${adminApi}/webhooks`, {
    body: { url: gone.url, events: ['ticket.created'] },
  });
  const generated = await call('create with a generated key', 'POST', `${adminApi}/webhooks`, {
    body: { url: ok.url, events: ['ticket.created'], key: 'generate' },
    keyRoute: true,
  });
  if (typeof generated.json.key === 'string') canaries.add(generated.json.key);
  const generatedId = generated.json.id as string;
  await call('read a webhook key', 'GET', `${adminApi}/webhooks/${okId}/key`, { keyRoute: true });
  await call('patch a given key', 'PATCH', `${adminApi}/webhooks/${okId}`, {
    body: { key: PATCHED_WEBHOOK_KEY },
  });
  for (const [what, body] of [
    ['too short a key', { url: ok.url, events: ['ticket.created'], key: BAD_WEBHOOK_KEY }],
    ['a number as key', { url: ok.url, events: ['ticket.created'], key: 5 }],
    ['bad URL beside a good key', { url: 'not a url', events: ['ticket.created'], key: WEBHOOK_KEY }],
    ['bad event beside a good key', { url: ok.url, events: ['ticket.nope'], key: OTHER_WEBHOOK_KEY }],
    ['a key as the URL password', { url: `http://hook:${TOKEN}@127.0.0.1/`, events: ['ticket.created'] }],
    ['a key in an unknown field', { url: ok.url, events: ['ticket.created'], secret: WEBHOOK_KEY }],
  ] as const) {
    const { status } = await call(what, 'POST', `${adminApi}/webhooks`, { body });
    expect(status, what).toBeGreaterThanOrEqual(400);
  }
  await call('patch a bad key', 'PATCH', `${adminApi}/webhooks/${failingId}`, {
    body: { key: BAD_WEBHOOK_KEY },
  });
  await call('malformed JSON with a key', 'POST', `${adminApi}/webhooks`, {
    raw: `{"url":"${ok.url}","key":"${WEBHOOK_KEY}"`,
  });
  await call('list webhooks', 'GET', `${adminApi}/webhooks`);
  for (const id of [okId, failingId, generatedId])
    await call('read a webhook', 'GET', `${adminApi}/webhooks/${id}`);
  await call('read the settings', 'GET', `${adminApi}/settings`);
  await call('the admin page', 'GET', '/admin/webhooks/');

  // ---- deliveries: to a good, a failing and a gone receiver; tests; bad ticket input
  for (let i = 0; i < 3; i++) {
    const ticket = await call('create a ticket', 'POST', '/api/tickets', {
      body: { subject: `canary ${i}` },
      auth: null,
    });
    await call('edit a ticket', 'PATCH', `/api/tickets/${ticket.json.id}`, {
      body: { status: 'closed' },
      auth: null,
    });
  }
  await call('a ticket without a subject', 'POST', '/api/tickets', { body: { status: 'open' }, auth: null });
  await call('malformed ticket JSON', 'POST', '/api/tickets', { raw: '{"subject":', auth: null });
  for (const id of [okId, failingId]) await call('send a test', 'POST', `${adminApi}/webhooks/${id}/test`);
  await until(async () => {
    const { json } = await call('poll the log', 'GET', `${adminApi}/logs?status=pending`);
    return Array.isArray(json.items) && json.items.length === 0;
  });

  // ---- rotate, deliver under both keys, resend what failed
  const rotated = await call('rotate the account key', 'POST', `${adminApi}/settings/key/rotate`, {
    keyRoute: true,
  });
  if (typeof rotated.json.key === 'string') canaries.add(rotated.json.key);
  await call('create a ticket after the rotation', 'POST', '/api/tickets', {
    body: { subject: 'rotated' },
    auth: null,
  });
  const failed = await call('failed deliveries', 'GET', `${adminApi}/logs?status=failed&limit=500`);
  const failedIds = ((failed.json.items ?? []) as { uuid: string }[]).map((item) => item.uuid);
  expect(failedIds.length).toBeGreaterThan(0);
  await call('resend by ids', 'POST', `${adminApi}/logs/resend`, { body: { ids: failedIds } });
  await call('resend dry run', 'POST', `${adminApi}/logs/resend`, {
    body: { filter: { status: 'failed' }, dryRun: true },
  });
  await call('resend, ids and filter', 'POST', `${adminApi}/logs/resend`, {
    body: { ids: failedIds, filter: {} },
  });
  await call('a bad cursor', 'GET', `${adminApi}/logs?cursor=not-a-cursor`);
  await until(async () => {
    const { json } = await call('poll the log', 'GET', `${adminApi}/logs?status=pending`);
    return Array.isArray(json.items) && json.items.length === 0;
  });
  await call('delete a webhook', 'DELETE', `${adminApi}/webhooks/${generatedId}`);
  const all = await call('the whole log', 'GET', `${adminApi}/logs?limit=500`);
  const uuids = ((all.json.items ?? []) as { uuid: string }[]).map((item) => item.uuid);
  for (const uuid of uuids) await call('a log entry', 'GET', `${adminApi}/logs/${uuid}`);
  await call('stats', 'GET', `${adminApi}/stats`);
  await app.stop('SIGTERM');
  processes.splice(processes.indexOf(app), 1);

  expect(ok.requests.length).toBeGreaterThan(0);
  expect(failing.requests.length).toBeGreaterThan(0);
  expect(uuids.length).toBeGreaterThan(10);
  const errors = exchanges.filter((e) => e.status >= 400);
  const answers = exchanges.filter((e) => e.status < 400 && !e.keyRoute);
  const leaked = (list: Exchange[]) =>
    list.filter((e) => occurrences(e.text, canaries) > 0).map((e) => `${e.what} (${e.status})`);
  // Which exchanges held one, so a broken figure says where to look.
  for (const where of [...leaked(errors), ...leaked(answers)]) console.log(`a secret in: ${where}`);
  const received = [...ok.requests, ...failing.requests].map(
    (r) => `${JSON.stringify(r.headers)}\n${r.body.toString('utf8')}`,
  );

  figure(
    'canary secrets: in the helpdesk’s stdout and stderr',
    occurrences(app.output(), canaries),
    { max: 0 },
    `occurrences (${canaries.size} canaries, ${app.output().length} characters printed)`,
  );
  figure(
    'canary secrets: in error answers',
    errors.reduce((n, e) => n + occurrences(e.text, canaries), 0),
    { max: 0 },
    `occurrences (${errors.length} 4xx/5xx answers)`,
  );
  figure(
    'canary secrets: in other answers and log entries (key routes excluded)',
    answers.reduce((n, e) => n + occurrences(e.text, canaries), 0),
    { max: 0 },
    `occurrences (${answers.length} answers, ${uuids.length} log entries among them; ${exchanges.length - errors.length - answers.length} key-route answers excluded)`,
  );
  figure(
    'canary secrets: in the requests receivers got',
    received.reduce((n, text) => n + occurrences(text, canaries), 0),
    { max: 0 },
    `occurrences (${received.length} requests)`,
  );
});
