import Keyv from 'keyv';
import { describe, expect, it, vi } from 'vitest';
import { CorruptRecordError, createStorage, type DeliveryRecord } from '../src/index.js';
import { MemoryOrderedIndex } from '../src/memory-ordered-index.js';
import { importOptional } from '../src/optional-module.js';
import { DEFAULT_RETENTION_DAYS } from '../src/retention.js';
import { STORAGE_KEYS } from '../src/storage-keys.js';

function delivery(uuid: string, createdAt: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    uuid,
    event: 'ticket.created',
    webhookId: 'wh-1',
    ruleId: null,
    url: 'https://example.com/h',
    status: 'pending',
    body: '{}',
    headers: {},
    signature: 'sha1=00',
    createdAt,
    lastAttemptAt: null,
    nextAttemptAt: null,
    lastStatusCode: null,
    attemptCount: 0,
    attempts: [],
    ...overrides,
  };
}

describe('createStorage options', () => {
  it('keeps namespaces sharing one store apart, records and index alike', async () => {
    const map = new Map();
    const a = await createStorage({ store: map, namespace: 'a' });
    const b = await createStorage({ store: map, namespace: 'b' });
    await a.log.create([delivery('only-in-a', '2026-11-01T00:00:00.000Z')]);
    expect((await a.log.list({})).items).toHaveLength(1);
    expect((await b.log.list({})).items).toEqual([]);
    expect(await b.log.get('only-in-a')).toBeUndefined();
    // A second storage over the same Map and namespace sees the same log.
    const a2 = await createStorage({ store: map, namespace: 'a' });
    expect((await a2.log.list({})).items.map((item) => item.uuid)).toEqual(['only-in-a']);
  });

  it('turns unreadable raw values into CorruptRecordError naming the key, never a miss', async () => {
    const map = new Map();
    const storage = await createStorage({ store: map, namespace: 'raw' });
    for (const raw of ['{not json', '5', '{"no":"envelope"}']) {
      map.set(`raw:${STORAGE_KEYS.settings()}`, raw);
      const error = await storage.settings.get().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CorruptRecordError);
      expect((error as CorruptRecordError).key).toBe('raw:settings');
      expect((error as Error).message).toMatch(/"raw:settings".*restore it from a backup or delete the key/);
    }
  });

  it('uses a Keyv instance as it is, with its namespace, and turns on throwOnErrors', async () => {
    const keyv = new Keyv({ store: new Map(), namespace: 'mine' });
    const storage = await createStorage({ store: keyv });
    expect(storage.keyv).toBe(keyv);
    expect(keyv.throwOnErrors).toBe(true);
    await storage.log.create([delivery('k', '2026-11-01T00:00:00.000Z')]);
    expect((await storage.log.list({})).items.map((item) => item.uuid)).toEqual(['k']);
    expect(await keyv.get(STORAGE_KEYS.delivery('k'))).toMatchObject({ uuid: 'k' });
  });

  it('refuses a store it cannot list without scanning, unless given an index', async () => {
    const plain = {
      opts: {},
      data: new Map<string, unknown>(),
      async get(key: string) {
        return this.data.get(key);
      },
      async set(key: string, value: unknown) {
        this.data.set(key, value);
      },
      async delete(key: string) {
        return this.data.delete(key);
      },
      async clear() {
        this.data.clear();
      },
    };
    await expect(createStorage({ store: plain as never })).rejects.toThrow(/`store`.*pass `index`/s);
    const storage = await createStorage({ store: plain as never, index: new MemoryOrderedIndex() });
    await storage.log.create([delivery('x', '2026-11-01T00:00:00.000Z')]);
    expect((await storage.log.list({ webhookId: 'wh-1' })).items.map((item) => item.uuid)).toEqual(['x']);
  });

  it('rejects unknown URL schemes and bad options with a TypeError naming the option', async () => {
    await expect(createStorage({ store: 'mysql://localhost/db' })).rejects.toThrow(
      /`store` must be "memory", a redis/,
    );
    await expect(createStorage({ store: 'memory', namespace: '' })).rejects.toThrow(/`namespace`/);
    await expect(createStorage({ store: 'memory', retention: 0 })).rejects.toThrow(/`retention`/);
    await expect(createStorage({ store: 'memory', retention: { days: -1 } })).rejects.toThrow(TypeError);
  });

  it('says which package to install when an optional backend is missing', async () => {
    const error = await importOptional('@keyv/not-installed', '^1', '`store`: "redis at x"').catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      '`store`: "redis at x" needs the package @keyv/not-installed, which is not installed. Install it next to ' +
        '@hookdesk/storage: `npm install @keyv/not-installed@^1` (or pnpm add / yarn add).',
    );
  });

  it('purges by retention (30 days by default, or as given) on the injected clock', async () => {
    const now = Date.parse('2026-11-28T12:00:00.000Z');
    const day = 24 * 60 * 60 * 1000;
    const byDefault = await createStorage({ store: 'memory', clock: () => now });
    expect(byDefault.retentionMs).toBe(DEFAULT_RETENTION_DAYS * day);
    await byDefault.log.create([
      delivery('31-days', new Date(now - 31 * day).toISOString()),
      delivery('29-days', new Date(now - 29 * day).toISOString()),
    ]);
    expect(await byDefault.purgeExpired()).toBe(1);
    expect((await byDefault.log.list({})).items.map((item) => item.uuid)).toEqual(['29-days']);

    const weekly = await createStorage({ store: 'memory', retention: { days: 7 }, clock: () => now });
    await weekly.log.create([delivery('8-days', new Date(now - 8 * day).toISOString())]);
    expect(await weekly.purgeExpired()).toBe(1);
    const hourly = await createStorage({ store: 'memory', retention: 3_600_000 });
    expect(hourly.retentionMs).toBe(3_600_000);
  });

  it('purges expired deliveries by itself every purgeIntervalMs, and reports failures', async () => {
    const day = 24 * 60 * 60 * 1000;
    let now = Date.parse('2026-11-28T12:00:00.000Z');
    const storage = await createStorage({ store: 'memory', purgeIntervalMs: 10, clock: () => now });
    await storage.log.create([delivery('old', new Date(now - 10 * day).toISOString())]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await storage.log.get('old')).toBeDefined();
    now += 21 * day;
    await vi.waitFor(async () => expect(await storage.log.get('old')).toBeUndefined(), { timeout: 2_000 });
    await storage.close();

    const errors: unknown[] = [];
    const failing = await createStorage({
      store: 'memory',
      purgeIntervalMs: 10,
      clock: () => Number.NaN,
      onPurgeError: (error) => errors.push(error),
    });
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 2_000 });
    await failing.close();
    await expect(createStorage({ store: 'memory', purgeIntervalMs: -1 })).rejects.toThrow(
      /`purgeIntervalMs`/,
    );
  });

  it('bounds the walk of a sparse combined filter with a partial page and a cursor that continues', async () => {
    const storage = await createStorage({ store: 'memory' });
    const base = Date.parse('2026-11-01T00:00:00.000Z');
    const records = Array.from({ length: 3_000 }, (_, i) =>
      delivery(`d-${String(i).padStart(4, '0')}`, new Date(base + i * 1_000).toISOString(), {
        event: i === 5 ? 'webhook.test' : 'ticket.created',
      }),
    );
    await storage.log.create(records);
    // webhookId + event is not an exact set: the webhook set is walked and `event` checked.
    const first = await storage.log.list({ webhookId: 'wh-1', event: 'webhook.test', limit: 50 });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await storage.log.list({
      webhookId: 'wh-1',
      event: 'webhook.test',
      limit: 50,
      cursor: first.nextCursor,
    });
    expect(second.items.map((item) => item.uuid)).toEqual(['d-0005']);
    expect(second.nextCursor).toBeNull();
    expect(await storage.log.uuids({ webhookId: 'wh-1', event: 'webhook.test' }, 10)).toEqual(['d-0005']);
  });
});
