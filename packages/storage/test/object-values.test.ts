import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptRecordError, createStorage, KeyvLmdb } from '../src/index.js';
import { STORAGE_KEYS } from '../src/storage-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-object-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETTINGS = {
  active: true,
  key: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  previousKeys: [],
  updatedAt: '2026-12-01T00:00:00.000Z',
};

// The in-memory and embedded stores keep values as objects (no JSON on the hot path); these pin
// what that must not change: isolation, iteration, older text values, corrupt values reported.
describe('stores that keep values as objects', () => {
  it('in memory: a stored value is frozen, so nothing changes it behind the store', async () => {
    const storage = await createStorage({ store: 'memory' });
    await storage.keyv.set('thing', { nested: { count: 1 }, list: [1] });
    const read = (await storage.keyv.get('thing')) as { nested: { count: number }; list: number[] };
    expect(() => {
      read.nested.count = 2;
    }).toThrow(TypeError);
    expect(() => read.list.push(2)).toThrow(TypeError);
    expect(await storage.keyv.get('thing')).toEqual({ nested: { count: 1 }, list: [1] });
    await storage.close();
  });

  it('in memory: iterates its values as they were stored', async () => {
    const storage = await createStorage({ store: 'memory', namespace: 'it' });
    await storage.keyv.set('a', { x: 1 });
    await storage.keyv.set('b', 'text');
    const seen: unknown[] = [];
    for await (const entry of storage.keyv.iterator!(undefined)) seen.push(entry);
    expect(seen).toEqual([
      ['a', { x: 1 }],
      ['b', 'text'],
    ]);
    await storage.close();
  });

  it('embedded: writes objects, still reads the JSON text earlier versions wrote', async () => {
    const path = join(dir, 'text-then-object');
    // What an earlier version left: the envelope as JSON text.
    const raw = open({ path, maxDbs: 8 });
    const db = raw.openDB<unknown, string>({ name: 'keyv' });
    await db.put(`old:${STORAGE_KEYS.settings()}`, JSON.stringify({ value: SETTINGS }));
    await raw.close();
    const storage = await createStorage({ store: new KeyvLmdb(path), namespace: 'old' });
    expect(await storage.settings.get()).toEqual(SETTINGS);
    await storage.settings.put({ ...SETTINGS, active: false });
    await storage.close();
    const again = open({ path, maxDbs: 8 });
    const stored = again.openDB<unknown, string>({ name: 'keyv' }).get(`old:${STORAGE_KEYS.settings()}`);
    await again.close();
    expect(stored).toEqual({ value: { ...SETTINGS, active: false } });
  });

  it('embedded: a stored value that is no envelope is a CorruptRecordError, never a miss', async () => {
    const path = join(dir, 'corrupt');
    const raw = open({ path, maxDbs: 8 });
    const db = raw.openDB<unknown, string>({ name: 'keyv' });
    await db.put(`bad:${STORAGE_KEYS.settings()}`, 42);
    await raw.close();
    const storage = await createStorage({ store: new KeyvLmdb(path), namespace: 'bad' });
    const error = await storage.settings.get().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptRecordError);
    expect((error as CorruptRecordError).key).toBe('bad:settings');
    await storage.close();
  });
});
