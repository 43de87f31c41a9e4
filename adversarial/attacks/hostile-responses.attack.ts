import { performance } from 'node:perf_hooks';
import { createHookdesk, type Hookdesk } from '@hookdesk/core';
import { createStorage } from '@hookdesk/storage';
import { type ScriptedResponse, startTestReceiver, type TestReceiver } from '@hookdesk/test-receivers';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { figure } from '../src/figure.js';

// Receivers that fight back: one that never answers, one that trickles a byte every 5 s, and
// 50 MB bodies, all on loopback (allowed here with `allowPrivateNetworks`), sent by the real engine
// with a 12 s attempt deadline so the file stays well under a minute.

const DEADLINE_MS = 12_000;
const MAX_STORED_BYTES = 16 * 1024;
const BIG_BODY = 50 * 1024 * 1024;
const BIG_ATTEMPTS = 8;

interface Outcome {
  kind: 'hung' | 'trickle' | '50 MB';
  /** Wall time from asking for the attempt to its log entry coming back. */
  elapsedMs: number;
  statusCode: number | null;
  error: string | null;
  storedBytes: number;
}

const receivers: TestReceiver[] = [];
let hookdesk: Hookdesk;
let close: () => Promise<void>;

beforeAll(async () => {
  const storage = await createStorage({ store: 'memory' });
  hookdesk = createHookdesk({
    storage,
    allowPrivateNetworks: true,
    timeoutMs: DEADLINE_MS,
    connectTimeoutMs: 2_000,
    retrySchedule: [],
  });
  await hookdesk.ready();
  close = async () => {
    await hookdesk.close();
    await storage.close();
  };
});

afterAll(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await close?.();
});

async function webhookAnswering(respond: ScriptedResponse): Promise<{ id: string; receiver: TestReceiver }> {
  const receiver = await startTestReceiver({ respond });
  receivers.push(receiver);
  const { id } = await hookdesk.createWebhook({ url: receiver.url, events: ['ticket.created'] });
  return { id, receiver };
}

async function attempt(kind: Outcome['kind'], id: string): Promise<Outcome> {
  const started = performance.now();
  const record = await hookdesk.testWebhook(id);
  const elapsedMs = Math.round(performance.now() - started);
  const [only] = record.attempts;
  expect(record.attempts).toHaveLength(1);
  return {
    kind,
    elapsedMs,
    statusCode: only?.statusCode ?? null,
    error: only?.error ?? null,
    storedBytes: Buffer.byteLength((await hookdesk.getLog(record.uuid)).attempts[0]?.responseExcerpt ?? ''),
  };
}

it('hung, trickling and 50 MB responses: deadline, bytes stored, memory', async () => {
  const hung = await webhookAnswering({ hang: true });
  const trickle = await webhookAnswering({ trickle: { intervalMs: 5_000 } });
  const big = await webhookAnswering({ stream: { bytes: BIG_BODY } });

  // Warm up with the same eight at once (a pooled connection each, JIT, buffers) before the
  // baseline, so the growth measured is what the attack adds, not the first use of a connection.
  await Promise.all(Array.from({ length: BIG_ATTEMPTS }, () => attempt('50 MB', big.id)));
  const rssBefore = process.memoryUsage().rss;
  const outcomes = await Promise.all([
    attempt('hung', hung.id),
    attempt('hung', hung.id),
    attempt('trickle', trickle.id),
    attempt('trickle', trickle.id),
    ...Array.from({ length: BIG_ATTEMPTS }, () => attempt('50 MB', big.id)),
  ]);
  const rssGrowth = process.memoryUsage().rss - rssBefore;

  for (const o of outcomes) {
    if (o.kind === '50 MB') expect(o, o.kind).toMatchObject({ statusCode: 200, error: null });
    else expect(o.error, o.kind).toBe(`No complete response within ${DEADLINE_MS} ms.`);
  }
  // The trickle was still trickling at the deadline: headers and a byte or two, then cut off.
  expect(outcomes.find((o) => o.kind === 'trickle')?.statusCode).toBe(200);
  expect(trickle.receiver.bytesSent).toBeGreaterThan(0);
  // Each 50 MB body was cut off after the first 16 KiB, not read to the end.
  expect(big.receiver.abortedResponses).toBe(2 * BIG_ATTEMPTS);
  expect(big.receiver.bytesSent).toBeLessThan((2 * BIG_ATTEMPTS * BIG_BODY) / 10);

  // Hung and trickling attempts must end at the deadline, neither early nor late; a 50 MB body is
  // done once 16 KiB are in, so it only must not run past the deadline.
  const miss = Math.max(
    ...outcomes.map((o) =>
      o.kind === '50 MB' ? Math.max(0, o.elapsedMs - DEADLINE_MS) : Math.abs(o.elapsedMs - DEADLINE_MS),
    ),
  );
  figure(
    'hostile responses: worst distance of an attempt’s end from its deadline',
    miss,
    { max: 1_000 },
    `ms (deadline ${DEADLINE_MS} ms; ${outcomes.length} attempts: 2 hung, 2 trickling, ${BIG_ATTEMPTS} × 50 MB)`,
  );
  figure(
    'hostile responses: largest response stored in a log entry',
    Math.max(...outcomes.map((o) => o.storedBytes)),
    { max: MAX_STORED_BYTES },
    'bytes',
  );
  figure(
    'hostile responses: RSS growth over the attempts',
    Math.round((rssGrowth / 1024 / 1024) * 10) / 10,
    { max: 10 },
    `MB (${BIG_ATTEMPTS} × 50 MB bodies offered)`,
  );
});
