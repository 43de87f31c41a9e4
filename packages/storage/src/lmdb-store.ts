import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import type { Keyv, KeyvStoreAdapter, StoredData } from 'keyv';
import { type Database, open, type RootDatabase } from 'lmdb';
import { UnreadableValue } from './json-serializer.js';

/** Where the embedded store keeps its files when `path` is not given. */
export const DEFAULT_EMBEDDED_PATH = '.data';

// Everything a prefix range needs: no key character sorts above it in Hookdesk's keys.
const RANGE_END = '\uffff';

export interface EmbeddedStoreOptions {
  /**
   * Flush each commit to disk (lmdb's default; with its overlapping sync, a write resolves when
   * committed and the flush runs behind it, one at a time). `false` leaves flushing to the OS:
   * several times the write throughput; committed writes still survive `kill -9` of the
   * process, but not a power loss or an OS crash. Default `true`.
   */
  sync?: boolean;
}

/**
 * A stored value as Keyv reads it: an object envelope (`{ value, expires }`, what Hookdesk writes),
 * or text an earlier version wrote, which Keyv deserializes. Anything else is reported as
 * unreadable, never passed on as a miss.
 */
function envelope(stored: unknown): unknown {
  if (stored === undefined || typeof stored === 'string') return stored;
  if (typeof stored === 'object' && stored !== null && 'value' in stored) return stored;
  return { value: new UnreadableValue('not a Keyv { value, expires } envelope', String(stored)) };
}

/**
 * A Keyv store adapter over lmdb: a memory-mapped B+tree in one file, ordered keys, ACID
 * transactions, several processes allowed, and prebuilt binaries on the npm registry (no
 * compiler, no download). A write's promise resolves once its transaction is committed, and a
 * committed transaction survives `kill -9` of the process.
 */
export class KeyvLmdb extends EventEmitter implements KeyvStoreAdapter {
  /** Keyv 5 reads `opts.url` and `opts.dialect` to decide whether the store can iterate. */
  readonly opts: { url: string; dialect: 'lmdb'; path: string };
  /** Set by Keyv; `clear()` and `iterator()` keep to it. */
  namespace?: string;
  /** The lmdb environment; the embedded ordered index opens its own database in it. */
  readonly root: RootDatabase;
  readonly #db: Database<unknown, string>;

  /** @param path directory of the database files, created if missing. Default `.data`. */
  constructor(path: string = DEFAULT_EMBEDDED_PATH, options: EmbeddedStoreOptions = {}) {
    super();
    const absolute = resolve(path);
    this.opts = { url: `lmdb://${absolute}`, dialect: 'lmdb', path: absolute };
    this.root = open({ path: absolute, maxDbs: 8, noSync: options.sync === false });
    this.#db = this.root.openDB<unknown, string>({ name: 'keyv' });
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return envelope(this.#db.get(key)) as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    // Plain reads of the memory map: lmdb's own `getMany` prefetches on another thread first,
    // which cost ~10 % of a delivery's CPU for the one or two keys the queue reads at a time.
    const values = keys.map((key) => envelope(this.#db.get(key))) as Array<StoredData<Value | undefined>>;
    // Still yield to the event loop, as the prefetch did: a loop of reads that never did would
    // starve lmdb's commit callbacks, and so every write waiting on them.
    await new Promise((resolve) => setImmediate(resolve));
    return values;
  }

  // Keyv keeps the expiry inside the value and checks it on read, so `ttl` needs no handling here.
  async set(key: string, value: unknown): Promise<boolean> {
    return this.#db.put(key, value);
  }

  async setMany(entries: Array<{ key: string; value: unknown }>): Promise<void> {
    // All puts issued in one turn commit in one transaction.
    await Promise.all(entries.map(({ key, value }) => this.#db.put(key, value)));
  }

  /** `false` when the key did not exist (Keyv's contract; lmdb's `remove` resolves `true` regardless). */
  async delete(key: string): Promise<boolean> {
    return this.#db.transaction(() => this.#db.removeSync(key));
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const removed = await this.#db.transaction(() => keys.map((key) => this.#db.removeSync(key)));
    return removed.some(Boolean);
  }

  async has(key: string): Promise<boolean> {
    return this.#db.doesExist(key);
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return keys.map((key) => this.#db.doesExist(key));
  }

  /** Removes the keys of the current namespace (every key when there is none). */
  async clear(): Promise<void> {
    const range = this.#prefixRange(this.namespace);
    await this.#db.transaction(() => {
      for (const key of this.#db.getKeys(range)) this.#db.removeSync(key);
    });
  }

  async *iterator<Value>(
    namespace?: string,
  ): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    for (const { key, value } of this.#db.getRange(this.#prefixRange(namespace))) {
      // Keyv's iterator deserializes only text: an envelope stored as an object goes as JSON.
      const stored = envelope(value);
      yield [key, (typeof stored === 'string' ? stored : JSON.stringify(stored)) as Awaited<Value>];
    }
  }

  async disconnect(): Promise<void> {
    await this.root.close();
  }

  #prefixRange(namespace: string | undefined): { start?: string; end?: string } {
    return namespace ? { start: `${namespace}:`, end: `${namespace}:${RANGE_END}` } : {};
  }
}

/**
 * Opens the embedded store at `path` (default `.data`, created if missing).
 *
 * @example
 * const storage = await createStorage({ store: openEmbeddedStore('/var/lib/hookdesk') });
 */
export function openEmbeddedStore(
  path: string = DEFAULT_EMBEDDED_PATH,
  options: EmbeddedStoreOptions = {},
): KeyvLmdb {
  return new KeyvLmdb(path, options);
}

/**
 * Gives a Keyv instance over the embedded store its `iterator()`: Keyv 5 wires iterators only for
 * dialects on a fixed list that does not include lmdb. No-op for other stores.
 */
export function wireIterator(keyv: Keyv): Keyv {
  const store = keyv.store as unknown;
  if (store instanceof KeyvLmdb && keyv.iterator === undefined) {
    keyv.iterator = keyv.generateIterator(store.iterator.bind(store));
  }
  return keyv;
}
