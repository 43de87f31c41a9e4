import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithService, POSTGRES_URL, REDIS_URL, tidyOnClose } from '@hookdesk/test-support';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createStorage, type HookdeskStorage, type OrderedIndex } from '../src/index.js';
import { LmdbOrderedIndex } from '../src/lmdb-ordered-index.js';
import { KeyvLmdb } from '../src/lmdb-store.js';
import { MemoryOrderedIndex } from '../src/memory-ordered-index.js';

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The range contract every backend's index must keep: byte order, `from` inclusive, `below` exclusive. */
function rangeCases(name: string, open: () => Promise<{ index: OrderedIndex; done: () => Promise<void> }>) {
  describe(`ordered index: ${name}`, () => {
    let done: (() => Promise<void>) | undefined;
    afterEach(async () => done?.());

    it('keeps byte order, bounds and limits in both directions, and sets apart', async () => {
      const opened = await open();
      done = opened.done;
      const { index } = opened;
      const members = ['a', 'b', 'b:1', 'b:2', 'c', 'd~', 'e'];
      await index.update({
        add: [...members, 'b:2']
          .map((member) => ({ set: 's', member }))
          .concat([{ set: 's:x', member: 'zz' }]),
      });
      expect(await index.count('s')).toBe(members.length);
      expect(await index.range('s', { limit: 100, order: 'asc' })).toEqual(members);
      expect(await index.range('s', { limit: 100, order: 'desc' })).toEqual([...members].reverse());
      expect(await index.range('s', { from: 'b:1', below: 'd~', limit: 100, order: 'asc' })).toEqual([
        'b:1',
        'b:2',
        'c',
      ]);
      expect(await index.range('s', { from: 'b:1', below: 'd~', limit: 100, order: 'desc' })).toEqual([
        'c',
        'b:2',
        'b:1',
      ]);
      expect(await index.range('s', { from: 'b:1', below: 'd~', limit: 2, order: 'desc' })).toEqual([
        'c',
        'b:2',
      ]);
      expect(await index.range('s', { from: 'b:1', below: 'd~', limit: 2, order: 'asc' })).toEqual([
        'b:1',
        'b:2',
      ]);
      expect(await index.range('s', { from: 'bb', limit: 100, order: 'desc' })).toEqual(['e', 'd~', 'c']);
      expect(await index.range('s', { below: 'b', limit: 100, order: 'desc' })).toEqual(['a']);
      expect(await index.range('s', { from: 'f', limit: 100, order: 'asc' })).toEqual([]);
      expect(await index.range('s:x', { limit: 100, order: 'asc' })).toEqual(['zz']);
      expect(await index.range('none', { limit: 100, order: 'asc' })).toEqual([]);
      await index.update({
        remove: [
          { set: 's', member: 'b:1' },
          { set: 's', member: 'missing' },
        ],
        add: [{ set: 's', member: '0' }],
      });
      expect(await index.range('s', { limit: 3, order: 'asc' })).toEqual(['0', 'a', 'b']);
      expect(await index.count('s')).toBe(members.length);
    });
  });
}

rangeCases('memory', async () => ({ index: new MemoryOrderedIndex(), done: async () => {} }));

rangeCases('embedded lmdb', async () => {
  const store = new KeyvLmdb(join(dir, randomUUID()));
  return { index: new LmdbOrderedIndex(store.root), done: () => store.disconnect() };
});

/** The index a storage opened over a server, reached through the storage's own namespace. */
async function serverIndex(url: string) {
  const storage: HookdeskStorage = tidyOnClose(
    await createStorage({ store: url, namespace: `hookdesk-test-${randomUUID()}` }),
  );
  const { RedisOrderedIndex } = await import('../src/redis-ordered-index.js');
  const { PostgresOrderedIndex } = await import('../src/postgres-ordered-index.js');
  const { prefixedIndex } = await import('../src/ordered-index.js');
  const store = storage.keyv.store as never;
  const index = url.startsWith('redis')
    ? new RedisOrderedIndex(store, `${storage.keyv.namespace}::index:`)
    : prefixedIndex(
        new PostgresOrderedIndex((store as { query: never }).query),
        `${storage.keyv.namespace}:`,
      );
  return { index, done: () => storage.close() };
}

const describeRedis = await describeWithService('redis', describe);
const describePostgres = await describeWithService('postgres', describe);
describeRedis('redis', () => rangeCases('redis', () => serverIndex(REDIS_URL)));
describePostgres('postgres', () => rangeCases('postgres', () => serverIndex(POSTGRES_URL)));
