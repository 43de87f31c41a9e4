import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { storageFailure } from './errors.js';
import { deserialize, serialize } from './json-serializer.js';
import { LmdbOrderedIndex } from './lmdb-ordered-index.js';
import { KeyvLmdb, wireIterator } from './lmdb-store.js';
import { memoryIndexFor } from './memory-ordered-index.js';
import { MemoryStore } from './memory-store.js';
import { importOptional } from './optional-module.js';
import { type OrderedIndex, prefixedIndex } from './ordered-index.js';
import { PostgresOrderedIndex, type PostgresQuery } from './postgres-ordered-index.js';
import { RedisOrderedIndex, type RedisStoreLike } from './redis-ordered-index.js';

/** What `createStorage` accepts as `store` (see `StorageOptions.store`). */
export type StoreOption = 'memory' | string | Keyv | KeyvStoreAdapter | Map<unknown, unknown>;

/** The Keyv instance, the ordered index beside it, and a name for messages. */
export interface StoreBackend {
  keyv: Keyv;
  index: OrderedIndex;
  /** E.g. `redis at 127.0.0.1:6379`, for error messages. */
  backend: string;
}

/** Connection timeout for stores Hookdesk connects itself (URL strings). */
const CONNECT_TIMEOUT_MS = 5_000;

type AnyStore = KeyvStoreAdapter & Record<string, unknown>;

/** `redis at host:port`, with no credentials. */
function describeUrl(kind: string, url: string): string {
  try {
    const parsed = new URL(url);
    return `${kind} at ${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return kind;
  }
}

async function storeFromUrl(url: string, namespace: string): Promise<KeyvStoreAdapter> {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  if (scheme === 'redis:' || scheme === 'rediss:') {
    const { default: KeyvRedis } = await importOptional<typeof import('@keyv/redis')>(
      '@keyv/redis',
      '^5',
      `\`store\`: "${describeUrl('redis', url)}"`,
    );
    let everConnected = false;
    const store = new KeyvRedis(
      {
        url,
        // Fail commands at once while disconnected instead of queueing them forever: an outage
        // must surface as a StorageError, and reconnecting goes on in the background.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: CONNECT_TIMEOUT_MS,
          // Reconnect after an outage, but fail the first connection at once: a wrong URL or a
          // server that is not up should not keep createStorage waiting.
          reconnectStrategy: (retries: number, cause: Error) =>
            everConnected ? Math.min(50 * 2 ** retries, 2_000) : cause,
        },
      },
      { namespace, throwOnErrors: true, throwOnConnectError: true, connectionTimeout: CONNECT_TIMEOUT_MS },
    );
    store.client.once('ready', () => {
      everConnected = true;
    });
    // Connect before the first command: with the offline queue off, commands sent while the
    // first connection is still being made would fail.
    try {
      await store.getClient();
    } catch (error) {
      await store.disconnect().catch(() => {});
      throw storageFailure(describeUrl('redis', url), 'connecting', error);
    }
    return store as unknown as KeyvStoreAdapter;
  }
  if (scheme === 'postgres:' || scheme === 'postgresql:') {
    const { default: KeyvPostgres } = await importOptional<typeof import('@keyv/postgres')>(
      '@keyv/postgres',
      '^2',
      `\`store\`: "${describeUrl('postgres', url)}"`,
    );
    return new KeyvPostgres({
      uri: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    }) as unknown as KeyvStoreAdapter;
  }
  throw new TypeError(
    `\`store\` must be "memory", a redis:// or postgres:// URL, a Keyv store adapter or a Keyv instance; ` +
      `got a string starting with "${url.slice(0, 12)}".`,
  );
}

function isKeyv(value: unknown): value is Keyv {
  return (
    value instanceof Keyv ||
    (typeof value === 'object' && value !== null && 'store' in value && 'opts' in value && 'hooks' in value)
  );
}

function describeStore(store: AnyStore): string {
  const opts = (store.opts ?? {}) as { dialect?: string; url?: string; uri?: string; path?: string };
  if (store instanceof Map) return 'the in-memory store';
  if (opts.dialect === 'lmdb') return `the embedded store at ${opts.path}`;
  if (opts.dialect === 'redis') return describeUrl('redis', opts.url ?? '');
  if (opts.dialect === 'postgres') return describeUrl('postgres', opts.uri ?? '');
  return `the Keyv store ${store.constructor?.name ?? ''}`.trim();
}

/**
 * The ordered index that lives beside `store`, its set names kept apart per namespace, or
 * `undefined` for a store Hookdesk cannot order.
 */
function indexFor(store: AnyStore, namespace: string): OrderedIndex | undefined {
  const opts = (store.opts ?? {}) as { dialect?: string; schema?: string };
  const own = `${namespace}:`;
  if (store instanceof Map) return prefixedIndex(memoryIndexFor(store), own);
  if (store instanceof KeyvLmdb || (opts.dialect === 'lmdb' && 'root' in store)) {
    return prefixedIndex(new LmdbOrderedIndex((store as unknown as KeyvLmdb).root), own);
  }
  if (opts.dialect === 'redis' && typeof store.getClient === 'function') {
    // Under the store's own `<namespace>::` prefix, beside the records.
    const separator = typeof store.keyPrefixSeparator === 'string' ? store.keyPrefixSeparator : '::';
    return new RedisOrderedIndex(store as unknown as RedisStoreLike, `${namespace}${separator}index:`);
  }
  if (opts.dialect === 'postgres' && typeof store.query === 'function') {
    return prefixedIndex(
      new PostgresOrderedIndex(store.query as PostgresQuery, { schema: opts.schema }),
      own,
    );
  }
  return undefined;
}

/**
 * Turns the `store` option into a Keyv instance (JSON serializer, errors thrown rather than
 * turned into misses) and the ordered index of the same backend.
 */
export async function openStoreBackend(options: {
  store: StoreOption | undefined;
  path: string;
  namespace: string;
  index: OrderedIndex | undefined;
}): Promise<StoreBackend> {
  let keyv: Keyv;
  const { store: option, namespace } = options;
  if (isKeyv(option)) {
    // The caller's instance keeps its namespace and serializer; only errors must be thrown.
    keyv = option;
    keyv.throwOnErrors = true;
  } else {
    let store: KeyvStoreAdapter | Map<unknown, unknown>;
    if (option === undefined) store = new KeyvLmdb(options.path);
    else if (option === 'memory') store = new MemoryStore();
    else if (typeof option === 'string') store = await storeFromUrl(option, namespace);
    else store = option;
    // The embedded and in-memory stores keep values as objects (lmdb encodes them once, with
    // msgpack); JSON text is for the stores that need a string. Text values an earlier version
    // wrote are still read (Keyv deserializes any string).
    const keepsObjects = store instanceof MemoryStore || store instanceof KeyvLmdb;
    keyv = new Keyv({
      store,
      namespace,
      serialize: keepsObjects ? undefined : serialize,
      deserialize,
      throwOnErrors: true,
      // @keyv/redis prefixes keys with its namespace itself.
      useKeyPrefix: (store as AnyStore).opts?.dialect !== 'redis',
    } as ConstructorParameters<typeof Keyv>[0]);
  }
  // Also for a caller's Keyv over the embedded store: Keyv 5 wires iterators for a fixed list only.
  wireIterator(keyv);
  if (keyv.store instanceof MemoryStore) {
    const store = keyv.store;
    keyv.iterator = keyv.generateIterator(() => store.textEntries());
  }
  const store = keyv.store as AnyStore;
  // @keyv/redis swallows command errors unless told otherwise.
  if ((store.opts as { dialect?: string } | undefined)?.dialect === 'redis' && 'throwOnErrors' in store) {
    store.throwOnErrors = true;
  }
  const index = options.index
    ? prefixedIndex(options.index, `${keyv.namespace ?? namespace}:`)
    : indexFor(store, keyv.namespace ?? namespace);
  if (!index) {
    throw new TypeError(
      `\`store\`: ${describeStore(store)} has no ordered index Hookdesk knows, and the log must be listed ` +
        'a page at a time without scanning. Use the embedded store (the default), "memory", @keyv/redis or ' +
        '@keyv/postgres, or pass `index` (an OrderedIndex) for this store.',
    );
  }
  return { keyv, index, backend: describeStore(store) };
}
