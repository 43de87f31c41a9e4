import {
  CorruptRecordError,
  DELIVERY_STATUSES,
  type DeliveryAttempt,
  type DeliveryRecord,
  type DeliveryStatus,
  type EntityRepository,
  type HookdeskStorage,
  InvalidCursorError,
  type LogFilter,
  RecordNotFoundError,
  type WebhookRecord,
} from '@hookdesk/storage';
import type { ConformanceTestApi } from '@hookdesk/test-support';
import { KEYS, SETS } from './key-layout.js';

export interface StorageConformanceOptions {
  /** Names the describe block, e.g. `redis`. */
  name: string;
}

const BASE = Date.parse('2026-11-01T00:00:00.000Z');
const minutes = (n: number) => new Date(BASE + n * 60_000).toISOString();

export function makeWebhook(id: string, at: number, overrides: Partial<WebhookRecord> = {}): WebhookRecord {
  return {
    id,
    url: `https://example.com/hooks/${id}`,
    events: ['ticket.created', 'ticket.updated'],
    active: true,
    name: `Webhook ${id}`,
    description: null,
    headers: { 'x-team': 'support' },
    key: null,
    createdAt: minutes(at),
    updatedAt: minutes(at),
    deactivatedReason: null,
    lastSuccessAt: null,
    lastFailureAt: null,
    failingSince: null,
    ...overrides,
  };
}

export function makeDelivery(
  uuid: string,
  at: number,
  overrides: Partial<DeliveryRecord> = {},
): DeliveryRecord {
  const event = overrides.event ?? 'ticket.created';
  return {
    uuid,
    event,
    webhookId: 'wh-1',
    ruleId: null,
    url: 'https://example.com/hooks/wh-1',
    status: 'pending',
    body: JSON.stringify({
      uuid,
      event,
      created_at: minutes(at),
      ticket: { id: at, subject: 'Printer on fire ☃' },
    }),
    headers: { 'content-type': 'application/json' },
    signature: 'sha1=00',
    createdAt: minutes(at),
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
    ...overrides,
  };
}

function attempt(number: number, at: number, statusCode: number | null): DeliveryAttempt {
  return {
    number,
    at: minutes(at),
    durationMs: 12,
    statusCode,
    responseExcerpt: statusCode === null ? null : 'ok',
    error: statusCode === null ? 'connect ECONNREFUSED' : null,
    blocked: false,
  };
}

/** Every uuid a filter lists, following cursors with `limit`; fails on a repeated uuid. */
async function listAll(storage: HookdeskStorage, filter: LogFilter, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const page = await storage.log.list({ ...filter, limit, cursor });
    seen.push(...page.items.map((item) => item.uuid));
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end after 1,000 pages');
}

/**
 * One suite for every storage backend (keyv's `@keyv/test-suite` style): pass the runner's
 * functions and a factory that opens a fresh, empty storage (a unique namespace per call).
 */
export function storageConformanceSuite(
  test: ConformanceTestApi,
  factory: () => Promise<HookdeskStorage>,
  options: StorageConformanceOptions,
): void {
  const { describe, it, expect, beforeEach, afterEach } = test;

  describe(`storage conformance: ${options.name}`, () => {
    let storage: HookdeskStorage;

    beforeEach(async () => {
      storage = await factory();
    });

    afterEach(async () => {
      await storage?.close();
    });

    describe('settings', () => {
      it('is undefined before the first put, then reads back what was put', async () => {
        expect(await storage.settings.get()).toBeUndefined();
        const settings = {
          active: true,
          key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          previousKeys: [{ key: 'whsec_b2xk', validUntil: minutes(60) }],
          updatedAt: minutes(0),
        };
        await storage.settings.put(settings);
        expect(await storage.settings.get()).toEqual(settings);
        await storage.settings.put({ ...settings, active: false, previousKeys: [] });
        expect((await storage.settings.get())?.active).toBe(false);
      });

      it('initializes once: of racing first starts one key wins for all, even if its writer died', async () => {
        const candidate = (n: number) => ({
          active: true,
          key: `whsec_${String(n).padStart(2, '0')}KQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`,
          previousKeys: [],
          updatedAt: minutes(0),
        });
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, n) => storage.settings.initialize(candidate(n))),
        );
        const keys = new Set(results.map((settings) => settings.key));
        expect(keys.size).toBe(1);
        expect((await storage.settings.get())?.key).toBe(results[0]?.key);
        // The winner died after claiming and before writing: a later start writes the same key.
        await storage.keyv.delete(KEYS.settings());
        expect((await storage.settings.initialize(candidate(99))).key).toBe(results[0]?.key);
        expect((await storage.settings.get())?.key).toBe(results[0]?.key);
        // Settings that exist win over any candidate.
        await storage.settings.put({ ...candidate(1), active: false });
        expect(await storage.settings.initialize(candidate(98))).toEqual({ ...candidate(1), active: false });
      });

      it('initialize keeps settings stored before any claim was made', async () => {
        const stored = {
          active: false,
          key: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          previousKeys: [],
          updatedAt: minutes(0),
        };
        await storage.settings.put(stored);
        const other = { ...stored, active: true, key: 'whsec_00KQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
        expect(await storage.settings.initialize(other)).toEqual(stored);
        expect(await storage.settings.get()).toEqual(stored);
      });

      it('rejects a corrupt value with a CorruptRecordError naming the key', async () => {
        await storage.keyv.set(KEYS.settings(), { active: 'yes' });
        const error = await storage.settings.get().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CorruptRecordError);
        expect((error as CorruptRecordError).code).toBe('corrupt_record');
        expect((error as Error).message).toContain(KEYS.settings());
        expect((error as Error).message).toMatch(/active/);
      });

      it('refuses to write an invalid record', async () => {
        await expect(storage.settings.put({ active: true } as never)).rejects.toThrow(TypeError);
        expect(await storage.settings.get()).toBeUndefined();
      });
    });

    entityRepositoryCases(test, {
      name: 'webhooks',
      storage: () => storage,
      repo: () => storage.webhooks,
      make: makeWebhook,
      keyOf: KEYS.webhook,
    });

    it("writes a webhook's delivery health apart from its record, never over an edit", async () => {
      const webhook = makeWebhook('h', 1);
      await storage.webhooks.put(webhook);
      // Edited after the bookkeeping last read it: the health write must not bring the old copy back.
      const edited = { ...webhook, url: 'https://example.com/edited', active: false, updatedAt: minutes(2) };
      await storage.webhooks.put(edited);
      const health = { lastSuccessAt: minutes(3), lastFailureAt: null, failingSince: null };
      await storage.webhooks.recordHealth('h', health);
      expect(await storage.webhooks.get('h')).toEqual({ ...edited, ...health });
      expect(await storage.webhooks.list()).toEqual([{ ...edited, ...health }]);

      // `put` replaces all of it, the health included.
      await storage.webhooks.put(webhook);
      expect(await storage.webhooks.get('h')).toEqual(webhook);

      await expect(storage.webhooks.recordHealth('h', { ...health, failingSince: 'soon' })).rejects.toThrow(
        /failingSince/,
      );
      expect(await storage.webhooks.get('h')).toEqual(webhook);

      await storage.keyv.set(KEYS.webhookHealth('h'), { ...health, lastFailureAt: 42 });
      const error = await storage.webhooks.get('h').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as Error).message).toContain(KEYS.webhookHealth('h'));

      // `delete` removes both: a webhook put again under the id has only its own health.
      await storage.webhooks.recordHealth('h', health);
      expect(await storage.webhooks.delete('h')).toBe(true);
      expect(await storage.webhooks.get('h')).toBeUndefined();
      expect(await storage.keyv.get(KEYS.webhookHealth('h'))).toBeUndefined();
    });

    it("keeps a webhook's retired keys, and refuses one without a valid validUntil", async () => {
      const previousKeys = [{ key: 'whsec_b2xk', validUntil: minutes(60) }];
      const webhook = makeWebhook('rotated', 1, { key: 'whsec_bmV3', previousKeys });
      await storage.webhooks.put(webhook);
      expect(await storage.webhooks.get('rotated')).toEqual(webhook);
      await expect(
        storage.webhooks.put({ ...webhook, previousKeys: [{ key: 'whsec_b2xk', validUntil: 'soon' }] }),
      ).rejects.toThrow(/previousKeys/);
      expect(await storage.webhooks.get('rotated')).toEqual(webhook);
    });

    describe('delivery log', () => {
      // 24 deliveries, one a minute: webhooks wh-1/wh-2 and rule r-1 in turn, events by index.
      const events = ['ticket.created', 'ticket.updated', 'smart_rule.triggered', 'webhook.test'] as const;
      function fixture(): DeliveryRecord[] {
        return Array.from({ length: 24 }, (_, i) => {
          const target = i % 3;
          return makeDelivery(`d-${String(i).padStart(2, '0')}`, i, {
            event: target === 2 ? 'smart_rule.triggered' : events[i % 2]!,
            webhookId: target === 2 ? null : `wh-${target + 1}`,
            ruleId: target === 2 ? 'r-1' : null,
          });
        });
      }
      const newestFirst = (records: DeliveryRecord[]) => records.map((record) => record.uuid).reverse();

      async function seed(): Promise<DeliveryRecord[]> {
        const records = fixture();
        await storage.log.create(records.slice(0, 10));
        await storage.log.create(records.slice(10));
        // Statuses: every 4th failed, every 4th + 1 succeeded, the rest pending.
        for (const [i, record] of records.entries()) {
          if (i % 4 === 0) {
            const updated = await storage.log.recordAttempt(record.uuid, attempt(1, i, 500), {
              status: 'failed',
              nextAttemptAt: null,
            });
            records[i] = updated;
          } else if (i % 4 === 1) {
            records[i] = await storage.log.recordAttempt(record.uuid, attempt(1, i, 200), {
              status: 'succeeded',
              nextAttemptAt: null,
            });
          }
        }
        return records;
      }

      it('creates deliveries and reads them back whole', async () => {
        const record = makeDelivery('one', 3);
        await storage.log.create([record]);
        expect(await storage.log.get('one')).toEqual(record);
        expect(await storage.log.get('missing')).toBeUndefined();
      });

      it('appends attempts, moves the status, and keeps the latest headers and signature', async () => {
        await storage.log.create([makeDelivery('a', 1)]);
        const first = await storage.log.recordAttempt('a', attempt(1, 2, null), {
          status: 'pending',
          nextAttemptAt: minutes(7),
        });
        expect(first.attemptCount).toBe(1);
        expect(first.nextAttemptAt).toBe(minutes(7));
        expect(first.lastStatusCode).toBeNull();
        const second = await storage.log.recordAttempt('a', attempt(2, 7, 503), {
          status: 'failed',
          nextAttemptAt: null,
          headers: { 'x-hookdesk-attempt': '2' },
          signature: 'sha1=ff',
        });
        expect(second).toMatchObject({
          status: 'failed',
          attemptCount: 2,
          lastAttemptAt: minutes(7),
          lastStatusCode: 503,
          headers: { 'x-hookdesk-attempt': '2' },
          signature: 'sha1=ff',
        });
        expect(second.attempts.map((a) => a.number)).toEqual([1, 2]);
        expect(await storage.log.get('a')).toEqual(second);
        expect((await storage.log.list({ status: 'failed' })).items.map((item) => item.uuid)).toEqual(['a']);
        expect((await storage.log.list({ status: 'pending' })).items).toEqual([]);

        const resent = await storage.log.setStatus('a', { status: 'pending', nextAttemptAt: minutes(8) });
        expect(resent).toMatchObject({ status: 'pending', attemptCount: 2, nextAttemptAt: minutes(8) });
        expect((await storage.log.list({ status: 'failed' })).items).toEqual([]);
        expect((await storage.log.list({ status: 'pending', webhookId: 'wh-1' })).items).toHaveLength(1);
      });

      it('moves a delivery between status sets, leaving no entry in the set it left', async () => {
        const record = makeDelivery('moving', 4);
        const member = async (set: string) =>
          (await storage.index.range(set, { limit: 10, order: 'asc' })).length;
        const bySet = async () => ({
          pending: await member(SETS.logStatus('pending')),
          failed: await member(SETS.logStatus('failed')),
          webhookPending: await member(SETS.logWebhookStatus('wh-1', 'pending')),
          webhookFailed: await member(SETS.logWebhookStatus('wh-1', 'failed')),
        });
        await storage.log.create([record]);
        expect(await bySet()).toEqual({ pending: 1, failed: 0, webhookPending: 1, webhookFailed: 0 });
        // Listing checks each record's status, so a stale entry would not show there: read the sets.
        await storage.log.recordAttempt('moving', attempt(1, 5, 500), {
          status: 'failed',
          nextAttemptAt: null,
        });
        expect(await bySet()).toEqual({ pending: 0, failed: 1, webhookPending: 0, webhookFailed: 1 });
        await storage.log.setStatus('moving', { status: 'pending', nextAttemptAt: minutes(6) });
        expect(await bySet()).toEqual({ pending: 1, failed: 0, webhookPending: 1, webhookFailed: 0 });
        // One status set per webhook+status and per status, whatever the number of moves.
        expect(await storage.index.count(SETS.log)).toBe(1);
        expect(await storage.index.count(SETS.logWebhook('wh-1'))).toBe(1);
      });

      it('keeps the reason of a delivery that failed unsent until a resend clears it', async () => {
        const unsent = makeDelivery('unsent', 2, {
          status: 'failed',
          body: '{"uuid":"unsent","event":"ticket.updated","ticket":{"id":2,"text":"xxxx',
          signature: '',
          headers: {},
          error: 'The ticket.updated body would be 300000 bytes, over the 262144-byte limit.',
          bodyTooLarge: { bytes: 300_000, limit: 262_144 },
        });
        await storage.log.create([unsent, makeDelivery('sendable', 3)]);
        expect(await storage.log.get('unsent')).toEqual(unsent);
        // Summaries are LogSummary's fields only; the reason is in the full entry.
        const [summary] = (await storage.log.list({ status: 'failed' })).items;
        expect(summary).toEqual({
          uuid: 'unsent',
          event: 'ticket.created',
          webhookId: 'wh-1',
          ruleId: null,
          url: 'https://example.com/hooks/wh-1',
          status: 'failed',
          createdAt: minutes(2),
          lastAttemptAt: null,
          nextAttemptAt: null,
          lastStatusCode: null,
          attemptCount: 0,
        });

        // A webhook gone: failed without an attempt, with the reason; a resend clears it.
        const gone = await storage.log.setStatus('sendable', {
          status: 'failed',
          nextAttemptAt: null,
          error: 'The webhook was deleted.',
        });
        expect(gone.error).toBe('The webhook was deleted.');
        expect((await storage.log.get('sendable'))?.error).toBe('The webhook was deleted.');
        const kept = await storage.log.setStatus('sendable', { status: 'failed', nextAttemptAt: null });
        expect(kept.error).toBe('The webhook was deleted.');
        const resent = await storage.log.setStatus('sendable', {
          status: 'pending',
          nextAttemptAt: minutes(4),
          error: null,
        });
        expect(resent).not.toHaveProperty('error');
        expect(await storage.log.get('sendable')).not.toHaveProperty('error');
        // An attempt supersedes the reason: it carries its own error.
        await storage.log.setStatus('sendable', { status: 'failed', nextAttemptAt: null, error: 'Gone.' });
        const attempted = await storage.log.recordAttempt('sendable', attempt(1, 5, 200), {
          status: 'succeeded',
          nextAttemptAt: null,
        });
        expect(attempted).not.toHaveProperty('error');
        expect(await storage.log.get('sendable')).not.toHaveProperty('error');

        await expect(storage.log.create([makeDelivery('bad', 4, { error: 42 as never })])).rejects.toThrow(
          /error/,
        );
        await expect(
          storage.log.create([makeDelivery('bad', 4, { bodyTooLarge: { bytes: -1, limit: 10 } })]),
        ).rejects.toThrow(/bodyTooLarge/);
        expect(await storage.log.get('bad')).toBeUndefined();
      });

      it('rejects an attempt for an unknown delivery with a RecordNotFoundError', async () => {
        await expect(
          storage.log.recordAttempt('nope', attempt(1, 1, 200), { status: 'succeeded', nextAttemptAt: null }),
        ).rejects.toBeInstanceOf(RecordNotFoundError);
        await expect(
          storage.log.setStatus('nope', { status: 'failed', nextAttemptAt: null }),
        ).rejects.toThrow(/nope/);
      });

      it('lists newest first as summaries without body, headers, signature or attempts', async () => {
        const records = await seed();
        const page = await storage.log.list({});
        expect(page.items.map((item) => item.uuid)).toEqual(newestFirst(records));
        expect(page.nextCursor).toBeNull();
        const { body: _b, headers: _h, signature: _s, attempts: _a, ...summary } = records[23]!;
        expect(page.items[0]).toEqual(summary);
      });

      it('filters by every field, alone and combined, and by time range', async () => {
        const records = await seed();
        const cases: LogFilter[] = [
          { status: 'failed' },
          { status: 'succeeded' },
          { status: 'pending' },
          { webhookId: 'wh-1' },
          { webhookId: 'wh-2' },
          { webhookId: 'unknown' },
          { ruleId: 'r-1' },
          { event: 'ticket.updated' },
          { event: 'smart_rule.triggered' },
          { event: 'webhook.test' },
          { webhookId: 'wh-1', status: 'failed' },
          { ruleId: 'r-1', status: 'succeeded' },
          { event: 'ticket.created', status: 'pending' },
          { webhookId: 'wh-2', event: 'ticket.created' },
          { webhookId: 'wh-1', ruleId: 'r-1' },
          { since: minutes(5) },
          { until: minutes(5) },
          { since: minutes(5), until: minutes(17) },
          { status: 'failed', since: minutes(4), until: minutes(20) },
          { webhookId: 'wh-1', status: 'pending', event: 'ticket.updated', since: minutes(3) },
        ];
        for (const filter of cases) {
          const expected = records.filter(
            (record) =>
              (filter.status === undefined || record.status === filter.status) &&
              (filter.webhookId === undefined || record.webhookId === filter.webhookId) &&
              (filter.ruleId === undefined || record.ruleId === filter.ruleId) &&
              (filter.event === undefined || record.event === filter.event) &&
              (filter.since === undefined || record.createdAt >= filter.since) &&
              (filter.until === undefined || record.createdAt < filter.until),
          );
          const page = await storage.log.list(filter);
          expect({ filter, uuids: page.items.map((item) => item.uuid) }).toEqual({
            filter,
            uuids: newestFirst(expected),
          });
          expect(await storage.log.uuids(filter, 1_000)).toEqual(newestFirst(expected));
        }
        expect(await storage.log.uuids({ status: 'failed' }, 2)).toEqual(['d-20', 'd-16']);
      });

      it('paginates with opaque cursors: no duplicates, no gaps, for any page size and filter', async () => {
        const records = await seed();
        for (const filter of [
          {},
          { status: 'pending' as DeliveryStatus },
          { webhookId: 'wh-2', event: 'ticket.created' as const },
        ]) {
          const all = (await storage.log.list({ ...filter, limit: 500 })).items.map((item) => item.uuid);
          expect(all.length).toBeGreaterThan(0);
          for (const limit of [1, 2, 3, 7, 24, 25]) {
            expect({ limit, filter, uuids: await listAll(storage, filter, limit) }).toEqual({
              limit,
              filter,
              uuids: all,
            });
          }
        }
        // A page that ends exactly at the last entry says so.
        expect((await storage.log.list({ limit: 24 })).nextCursor).toBeNull();
        const first = await storage.log.list({ limit: 23 });
        expect(first.nextCursor).toEqual(expect.any(String));
        expect(
          (await storage.log.list({ limit: 23, cursor: first.nextCursor })).items.map((i) => i.uuid),
        ).toEqual([records[0]!.uuid]);
        // Entries created after a cursor was issued do not shift the following pages.
        await storage.log.create([makeDelivery('newer', 100)]);
        expect((await storage.log.list({ limit: 23, cursor: first.nextCursor })).items).toHaveLength(1);
      });

      it('defaults the page size to 50, caps it at 500, and rejects bad limits and cursors', async () => {
        await storage.log.create(Array.from({ length: 60 }, (_, i) => makeDelivery(`p-${i}`, i)));
        const page = await storage.log.list({});
        expect(page.items).toHaveLength(50);
        expect(page.nextCursor).not.toBeNull();
        expect((await storage.log.list({ limit: 10_000 })).items).toHaveLength(60);
        expect((await storage.log.list({ cursor: '' })).items).toEqual(page.items);
        await expect(storage.log.list({ limit: 0 })).rejects.toThrow(/`limit`/);
        await expect(storage.log.list({ limit: 2.5 })).rejects.toThrow(TypeError);
        for (const cursor of ['garbage', 'djE6', `${page.nextCursor}x!`]) {
          const error = await storage.log.list({ cursor }).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(InvalidCursorError);
          expect((error as InvalidCursorError).code).toBe('invalid_cursor');
        }
        await expect(storage.log.list({ since: 'last tuesday' })).rejects.toThrow(/`since`/);
      });

      it('rejects a corrupt delivery on get and list with a CorruptRecordError naming the key', async () => {
        await storage.log.create([makeDelivery('ok', 1), makeDelivery('bad', 2)]);
        await storage.keyv.set(KEYS.delivery('bad'), { ...makeDelivery('bad', 2), attempts: 'none' });
        for (const read of [() => storage.log.get('bad'), () => storage.log.list({})]) {
          const error = await read().catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(CorruptRecordError);
          expect((error as Error).message).toContain(KEYS.delivery('bad'));
          expect((error as Error).message).toMatch(/attempts/);
        }
      });

      it('refuses invalid deliveries and attempts and writes none of the batch', async () => {
        await expect(
          storage.log.create([
            makeDelivery('good', 1),
            makeDelivery('bad', 2, { event: 'ticket.deleted' as never }),
          ]),
        ).rejects.toThrow(/event/);
        expect(await storage.log.get('good')).toBeUndefined();
        expect((await storage.log.list({})).items).toEqual([]);
        await storage.log.create([makeDelivery('good', 1)]);
        await expect(
          storage.log.recordAttempt(
            'good',
            { ...attempt(1, 2, 200), at: 'soon' },
            { status: 'succeeded', nextAttemptAt: null },
          ),
        ).rejects.toThrow(/at/);
        expect((await storage.log.get('good'))?.attempts).toEqual([]);
      });

      it('purges deliveries created before a time, from every listing and the queue', async () => {
        const records = await seed();
        await storage.queue.schedule([
          { uuid: 'd-02', dueAt: BASE },
          { uuid: 'd-20', dueAt: BASE + 1 },
        ]);
        expect(await storage.log.purge(Date.parse(minutes(10)))).toBe(10);
        const kept = records.slice(10);
        expect((await storage.log.list({ limit: 500 })).items.map((item) => item.uuid)).toEqual(
          newestFirst(kept),
        );
        for (const filter of [
          { status: 'failed' as const },
          { webhookId: 'wh-1' },
          { ruleId: 'r-1' },
          { event: 'ticket.updated' as const },
        ]) {
          const uuids = (await storage.log.list(filter)).items.map((item) => item.uuid);
          expect(uuids.every((uuid) => uuid >= 'd-10')).toBe(true);
        }
        expect(await storage.log.get('d-02')).toBeUndefined();
        expect(await storage.queue.due(BASE + 10, 10)).toEqual([{ uuid: 'd-20', dueAt: BASE + 1 }]);
        expect(await storage.log.purge(Date.parse(minutes(10)))).toBe(0);
      });

      it('purges every index entry of what it removes: no set keeps a member', async () => {
        const records = await seed();
        await storage.queue.schedule(records.map((record, i) => ({ uuid: record.uuid, dueAt: BASE + i })));
        expect(await storage.log.purge(Date.parse(minutes(100)))).toBe(24);
        const sets = [
          SETS.log,
          SETS.queue,
          ...events.map(SETS.logEvent),
          ...['wh-1', 'wh-2'].map(SETS.logWebhook),
          SETS.logRule('r-1'),
          ...DELIVERY_STATUSES.flatMap((status) => [
            SETS.logStatus(status),
            SETS.logWebhookStatus('wh-1', status),
            SETS.logWebhookStatus('wh-2', status),
            SETS.logRuleStatus('r-1', status),
          ]),
        ];
        const left = [];
        for (const set of sets) left.push({ set, count: await storage.index.count(set) });
        expect(left.filter((entry) => entry.count > 0)).toEqual([]);
        expect(await storage.queue.size()).toBe(0);
      });

      it('purges by the retention period (default 30 days) relative to the given time', async () => {
        expect(storage.retentionMs).toBeGreaterThan(0);
        await storage.log.create([makeDelivery('old', 0), makeDelivery('new', 10)]);
        const now = Date.parse(minutes(5)) + storage.retentionMs;
        expect(await storage.purgeExpired(now)).toBe(1);
        expect(await storage.log.get('old')).toBeUndefined();
        expect(await storage.log.get('new')).toBeDefined();
        expect((await storage.log.list({})).items.map((item) => item.uuid)).toEqual(['new']);
      });

      it('purges a corrupt delivery too instead of getting stuck on it', async () => {
        await storage.log.create([makeDelivery('bad', 1), makeDelivery('fine', 20)]);
        await storage.keyv.set(KEYS.delivery('bad'), 'not a delivery');
        expect(await storage.log.purge(Date.parse(minutes(10)))).toBe(1);
        expect((await storage.log.list({ status: 'pending' })).items.map((item) => item.uuid)).toEqual([
          'fine',
        ]);
        expect((await storage.log.list({ webhookId: 'wh-1' })).items.map((item) => item.uuid)).toEqual([
          'fine',
        ]);
      });
    });

    describe('delivery queue', () => {
      it('hands out what is due, earliest first, up to the limit', async () => {
        expect(await storage.queue.nextDueAt()).toBeNull();
        expect(await storage.queue.size()).toBe(0);
        await storage.queue.schedule([
          { uuid: 'c', dueAt: BASE + 3_000 },
          { uuid: 'a', dueAt: BASE + 1_000 },
          { uuid: 'b', dueAt: BASE + 2_000 },
          { uuid: 'later', dueAt: BASE + 60_000 },
        ]);
        expect(await storage.queue.size()).toBe(4);
        expect(await storage.queue.nextDueAt()).toBe(BASE + 1_000);
        expect(await storage.queue.due(BASE + 999, 10)).toEqual([]);
        expect(await storage.queue.due(BASE + 2_000, 10)).toEqual([
          { uuid: 'a', dueAt: BASE + 1_000 },
          { uuid: 'b', dueAt: BASE + 2_000 },
        ]);
        expect((await storage.queue.due(BASE + 10_000, 2)).map((entry) => entry.uuid)).toEqual(['a', 'b']);
        expect((await storage.queue.due(BASE + 100_000, 10)).map((entry) => entry.uuid)).toEqual([
          'a',
          'b',
          'c',
          'later',
        ]);
      });

      it('moves an entry when it is scheduled again, and removes it', async () => {
        await storage.queue.schedule([
          { uuid: 'a', dueAt: BASE + 1_000 },
          { uuid: 'b', dueAt: BASE + 2_000 },
        ]);
        await storage.queue.schedule([{ uuid: 'a', dueAt: BASE + 5_000 }]);
        expect(await storage.queue.size()).toBe(2);
        expect(await storage.queue.nextDueAt()).toBe(BASE + 2_000);
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'b', dueAt: BASE + 2_000 },
          { uuid: 'a', dueAt: BASE + 5_000 },
        ]);
        await storage.queue.schedule([
          { uuid: 'b', dueAt: BASE + 9_000 },
          { uuid: 'b', dueAt: BASE + 100 },
        ]);
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'b', dueAt: BASE + 100 },
          { uuid: 'a', dueAt: BASE + 5_000 },
        ]);
        await storage.queue.remove('b');
        await storage.queue.remove('never-queued');
        expect(await storage.queue.size()).toBe(1);
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([{ uuid: 'a', dueAt: BASE + 5_000 }]);
        await storage.queue.remove('a');
        expect(await storage.queue.nextDueAt()).toBeNull();
        expect(await storage.queue.size()).toBe(0);
      });

      it('adds fresh entries without reading, and a wrong fresh hint still leaves one entry per uuid', async () => {
        await storage.queue.schedule(
          [
            { uuid: 'f1', dueAt: BASE + 1_000 },
            { uuid: 'f2', dueAt: BASE + 2_000 },
          ],
          { fresh: true },
        );
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'f1', dueAt: BASE + 1_000 },
          { uuid: 'f2', dueAt: BASE + 2_000 },
        ]);
        // f1 is queued already: the hint is wrong. Its old member stays until a reader meets it.
        await storage.queue.schedule([{ uuid: 'f1', dueAt: BASE + 5_000 }], { fresh: true });
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'f2', dueAt: BASE + 2_000 },
          { uuid: 'f1', dueAt: BASE + 5_000 },
        ]);
        expect(await storage.queue.nextDueAt()).toBe(BASE + 2_000);
        expect(await storage.queue.size()).toBe(2);
        await storage.queue.remove('f1');
        await storage.queue.remove('f2');
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([]);
        expect(await storage.queue.size()).toBe(0);
      });

      it("keeps a resend's once mark with its entry, also when the entry is scheduled again", async () => {
        await storage.queue.schedule([
          { uuid: 'r1', dueAt: BASE + 1_000, once: true },
          { uuid: 'r2', dueAt: BASE + 2_000 },
        ]);
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'r1', dueAt: BASE + 1_000, once: true },
          { uuid: 'r2', dueAt: BASE + 2_000 },
        ]);
        // Start-up recovery schedules pending deliveries again, without the mark: it stays.
        await storage.queue.schedule([{ uuid: 'r1', dueAt: BASE + 3_000 }]);
        expect(await storage.queue.due(BASE + 10_000, 10)).toEqual([
          { uuid: 'r2', dueAt: BASE + 2_000 },
          { uuid: 'r1', dueAt: BASE + 3_000, once: true },
        ]);
        await storage.queue.remove('r1');
        await storage.queue.remove('r2');
      });

      it('loses no entry that is rescheduled while readers scan the queue', async () => {
        const uuids = Array.from({ length: 40 }, (_, i) => `q-${i}`);
        await storage.queue.schedule(uuids.map((uuid) => ({ uuid, dueAt: BASE + 1_000 })));
        let rescheduling = true;
        const readers = Array.from({ length: 3 }, async () => {
          while (rescheduling) {
            await storage.queue.due(BASE + 100_000, 100);
            await storage.queue.nextDueAt();
          }
        });
        for (const round of [2_000, 3_000, 4_000]) {
          await Promise.all(
            uuids.map((uuid, i) => storage.queue.schedule([{ uuid, dueAt: BASE + round + i }])),
          );
        }
        rescheduling = false;
        await Promise.all(readers);
        expect(await storage.queue.due(BASE + 100_000, 1_000)).toEqual(
          uuids.map((uuid, i) => ({ uuid, dueAt: BASE + 4_000 + i })),
        );
        expect(await storage.queue.size()).toBe(uuids.length);
      });

      it('skips and repairs entries whose member disagrees with the stored due time', async () => {
        const uuids = Array.from({ length: 20 }, (_, i) => `s-${String(i).padStart(2, '0')}`);
        await storage.queue.schedule(uuids.map((uuid, i) => ({ uuid, dueAt: BASE + i })));
        // As if a reschedule to later times had written its due times and then crashed.
        for (const [i, uuid] of uuids.entries()) {
          await storage.keyv.set(KEYS.queueEntry(uuid), { uuid, dueAt: BASE + 50_000 + i });
        }
        expect(await storage.queue.nextDueAt()).toBe(BASE + 50_000);
        expect(await storage.queue.due(BASE + 49_999, 100)).toEqual([]);
        expect(await storage.queue.due(BASE + 100_000, 5)).toEqual(
          uuids.slice(0, 5).map((uuid, i) => ({ uuid, dueAt: BASE + 50_000 + i })),
        );
        expect(await storage.queue.size()).toBe(uuids.length);
      });

      it('refuses an invalid due time', async () => {
        await expect(storage.queue.schedule([{ uuid: 'x', dueAt: Number.NaN }])).rejects.toThrow(TypeError);
        expect(await storage.queue.size()).toBe(0);
      });
    });
  });
}

/** What `entityRepositoryCases` tests: a repository of records with an id and `createdAt`, over `storage`. */
export interface EntityRepositorySubject<T extends { id: string; createdAt: string }> {
  /** Names the describe block, e.g. `webhooks`. */
  name: string;
  /** The test's storage (its Keyv store, to plant corrupt values). */
  storage: () => HookdeskStorage;
  repo: () => EntityRepository<T>;
  /** A valid record created `at` minutes after the base time. */
  make(id: string, at: number): T;
  /** The record's key in the store. */
  keyOf(id: string): string;
}

/**
 * The cases of an entity repository (webhooks here; smart rules run them on theirs): put, get,
 * list oldest first, delete, corrupt values, invalid input.
 */
export function entityRepositoryCases<T extends { id: string; createdAt: string }>(
  test: ConformanceTestApi,
  subject: EntityRepositorySubject<T>,
): void {
  const { describe, it, expect } = test;
  const { make, keyOf } = subject;
  describe(subject.name, () => {
    it('creates, reads, replaces, lists oldest first and deletes', async () => {
      const repo = subject.repo();
      expect(await repo.list()).toEqual([]);
      expect(await repo.get('b')).toBeUndefined();
      await repo.put(make('b', 5) as never);
      await repo.put(make('a', 9) as never);
      await repo.put(make('c:with/odd id', 1) as never);
      expect((await repo.list()).map((item) => item.id)).toEqual(['c:with/odd id', 'b', 'a']);
      const replaced = { ...make('b', 5), name: 'Renamed', active: false };
      await repo.put(replaced as never);
      expect(await repo.get('b')).toEqual(replaced);
      expect(await repo.list()).toHaveLength(3);
      expect(await repo.delete('b')).toBe(true);
      expect(await repo.delete('b')).toBe(false);
      expect(await repo.get('b')).toBeUndefined();
      expect((await repo.list()).map((item) => item.id)).toEqual(['c:with/odd id', 'a']);
    });

    it('rejects a corrupt record on get and list with a CorruptRecordError naming the key', async () => {
      const repo = subject.repo();
      const storage = subject.storage();
      await repo.put(make('x', 1) as never);
      await storage.keyv.set(keyOf('x'), { ...make('x', 1), createdAt: 42, active: 'maybe' });
      for (const read of [() => repo.get('x'), () => repo.list()]) {
        const error = await read().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CorruptRecordError);
        expect((error as Error).message).toContain(keyOf('x'));
      }
    });

    it('refuses an invalid record and writes nothing', async () => {
      const repo = subject.repo();
      await expect(repo.put({ ...make('y', 1), createdAt: 'yesterday' } as never)).rejects.toThrow(
        /createdAt/,
      );
      expect(await repo.get('y')).toBeUndefined();
      expect(await repo.list()).toEqual([]);
    });
  });
}
