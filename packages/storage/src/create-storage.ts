import { deliveryLogRepository } from './delivery-log-repository.js';
import { deliveryQueueRepository } from './delivery-queue-repository.js';
import { storageFailure } from './errors.js';
import { DEFAULT_EMBEDDED_PATH } from './lmdb-store.js';
import { guardedIndex, type OrderedIndex } from './ordered-index.js';
import { RecordStore } from './record-store.js';
import type { HookdeskStorage } from './repositories.js';
import { type RetentionOption, retentionMs } from './retention.js';
import { settingsRepository } from './settings-repository.js';
import { openStoreBackend, type StoreOption } from './store-backend.js';
import { webhookRepository } from './webhook-repository.js';

/** Namespace of every key when `namespace` is not given. */
export const DEFAULT_NAMESPACE = 'hookdesk';

export interface StorageOptions {
  /**
   * Where to store. Default: the embedded lmdb store at `path`.
   * - `'memory'`: an in-memory Keyv `Map`, gone when the process exits (tests, demos).
   * - `'redis://…'` / `'rediss://…'`: `@keyv/redis` (install it; loaded only then).
   * - `'postgres://…'` / `'postgresql://…'`: `@keyv/postgres` (install it; loaded only then).
   * - a Keyv store adapter: the embedded store (`openEmbeddedStore()`), `new KeyvRedis(…)`,
   *   `new KeyvPostgres(…)`, or a `Map`.
   * - a `Keyv` instance: used as it is (its namespace and serializer; `namespace` is ignored),
   *   with `throwOnErrors` turned on so an outage is an error, not a miss.
   */
  store?: StoreOption;
  /** Directory of the embedded store, used when `store` is not given. Default `.data`. */
  path?: string;
  /** Prefix of every key, so several Hookdesk instances can share a store. Default `hookdesk`. */
  namespace?: string;
  /**
   * How long deliveries stay in the log: milliseconds, or `{ days }`. Default `{ days: 30 }`.
   * `purgeExpired()` removes what is older; call it periodically (core's sweep does).
   */
  retention?: RetentionOption;
  /** The ordered index for a store Hookdesk does not know. Default: the store's own (see README). */
  index?: OrderedIndex;
  /**
   * How often the storage itself purges deliveries older than `retention`, in ms (the first run
   * one interval after opening). `0` turns it off: then call `purgeExpired()` yourself.
   * Default 1 hour.
   */
  purgeIntervalMs?: number;
  /** Receives errors of the background purge (a store outage, say). Default: `console.warn`. */
  onPurgeError?: (error: unknown) => void;
  /** Current time in epoch ms, for retention. Default `Date.now`. */
  clock?: () => number;
}

/** `purgeIntervalMs` when not given: hourly. */
export const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Opens Hookdesk's storage: typed, validated repositories over a Keyv store.
 *
 * @example
 * const storage = await createStorage();                       // embedded store in ./.data
 * const memory = await createStorage({ store: 'memory' });     // tests
 * const shared = await createStorage({ store: 'redis://127.0.0.1:6379' });
 */
export async function createStorage(options: StorageOptions = {}): Promise<HookdeskStorage> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  // No spaces or control characters: the embedded store's index separates set and member with a space.
  if (typeof namespace !== 'string' || namespace.length === 0 || [...namespace].some((char) => char <= ' ')) {
    throw new TypeError(
      `\`namespace\` must be a non-empty string without spaces or control characters, got ${JSON.stringify(options.namespace)}.`,
    );
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new TypeError('`clock` must be a function returning epoch milliseconds.');
  }
  const retention = { ms: retentionMs(options.retention), clock: options.clock ?? Date.now };
  const purgeIntervalMs = options.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS;
  if (!Number.isFinite(purgeIntervalMs) || purgeIntervalMs < 0) {
    throw new TypeError(
      `\`purgeIntervalMs\` must be 0 (off) or a positive number of ms, got ${purgeIntervalMs}.`,
    );
  }
  const onPurgeError =
    options.onPurgeError ??
    ((error: unknown) =>
      console.warn('@hookdesk/storage: the retention purge failed; it runs again later.', error));
  const opened = await openStoreBackend({
    store: options.store,
    path: options.path ?? DEFAULT_EMBEDDED_PATH,
    namespace,
    index: options.index,
  });
  const { keyv, backend } = opened;
  const index = guardedIndex(opened.index, backend);
  const records = new RecordStore(keyv, backend);
  const queue = deliveryQueueRepository(records, index);
  const log = deliveryLogRepository(records, index, queue, retention);
  let closed = false;
  let purging: Promise<unknown> | undefined;
  const timer =
    purgeIntervalMs > 0
      ? setInterval(() => {
          // One purge at a time; a slow one is not stacked on.
          purging ??= log
            .purgeExpired()
            .catch(onPurgeError)
            .finally(() => {
              purging = undefined;
            });
        }, purgeIntervalMs)
      : undefined;
  // The purge never keeps a process alive.
  timer?.unref();
  return {
    settings: settingsRepository(records, index),
    webhooks: webhookRepository(records, index),
    log,
    queue,
    keyv,
    records,
    index,
    backend,
    retentionMs: retention.ms,
    purgeExpired: (now) => log.purgeExpired(now),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await purging;
      await opened.index.close();
      try {
        await keyv.disconnect();
      } catch (error) {
        throw storageFailure(backend, 'closing the store', error);
      }
    },
  };
}
