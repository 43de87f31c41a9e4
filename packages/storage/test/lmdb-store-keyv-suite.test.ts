import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keyvTestSuite, { keyvIteratorTests } from '@keyv/test-suite';
import Keyv from 'keyv';
import * as vitest from 'vitest';
import { createStorage, KeyvLmdb } from '../src/index.js';
import { wireIterator } from '../src/lmdb-store.js';

const dir = mkdtempSync(join(tmpdir(), 'hookdesk-keyv-suite-'));
vitest.afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every Keyv store adapter passes @keyv/test-suite; a store per call, as the suite expects (it
// gives instances their own namespaces), all on one database like several Keyv users would be.
const store = () => new KeyvLmdb(dir);

/**
 * Keyv 5 wires `iterator()` only for dialects on a fixed list (sqlite, postgres, redis, …), so
 * the suite's iterator cases need it wired as Keyv does for those; `createStorage` does the same.
 */
class KeyvWithLmdbIterator extends Keyv {
  constructor(...args: ConstructorParameters<typeof Keyv>) {
    super(...args);
    wireIterator(this);
  }
}

keyvTestSuite(vitest, KeyvWithLmdbIterator as typeof Keyv, store);
keyvIteratorTests(vitest, KeyvWithLmdbIterator as typeof Keyv, store);

vitest.describe('KeyvLmdb', () => {
  vitest.it(
    'has the opts.url and opts.dialect Keyv 5 reads, and createStorage wires its iterator',
    async () => {
      const adapter = store();
      vitest.expect(adapter.opts).toMatchObject({ dialect: 'lmdb', url: `lmdb://${dir}` });
      vitest.expect(() => new Keyv({ store: adapter })).not.toThrow();
      const storage = await createStorage({ store: store(), namespace: 'iterated' });
      await storage.keyv.set('a', 1);
      const seen: unknown[] = [];
      for await (const entry of storage.keyv.iterator!(undefined)) seen.push(entry);
      vitest.expect(seen).toEqual([['a', 1]]);
      await storage.close();
    },
  );

  vitest.it('gets its iterator wired in a Keyv the caller built and passed to createStorage', async () => {
    const storage = await createStorage({ store: new Keyv({ store: store(), namespace: 'given' }) });
    await storage.keyv.set('b', 2);
    const seen: unknown[] = [];
    for await (const entry of storage.keyv.iterator!(undefined)) seen.push(entry);
    vitest.expect(seen).toEqual([['b', 2]]);
    await storage.close();
  });

  vitest.it('resolves delete of a missing key to false, of a present key to true', async () => {
    const adapter = store();
    vitest.expect(await adapter.delete('never-set')).toBe(false);
    await adapter.set('present', 'x');
    vitest.expect(await adapter.delete('present')).toBe(true);
    vitest.expect(await adapter.get('present')).toBeUndefined();
  });
});
