import { deliveryLogRepository } from './delivery-log-repository.js';
import { deliveryQueueRepository } from './delivery-queue-repository.js';
import { entityRepository } from './entity-repository.js';
import { storageFailure } from './errors.js';
import { DEFAULT_EMBEDDED_PATH } from './lmdb-store.js';
import { guardedIndex, type OrderedIndex } from './ordered-index.js';
import { RecordStore } from './record-store.js';
import type { SmartRuleRecord, WebhookRecord } from './records.js';
import type { HookdeskStorage } from './repositories.js';
import { type RetentionOption, retentionMs } from './retention.js';
import { smartRuleSchema, webhookSchema } from './schemas.js';
import { settingsRepository } from './settings-repository.js';
import { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
import { openStoreBackend, type StoreOption } from './store-backend.js';

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
  /** Current time in epoch ms, for retention. Default `Date.now`. */
  clock?: () => number;
}

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
  return {
    settings: settingsRepository(records),
    webhooks: entityRepository<WebhookRecord>(records, index, webhookSchema, {
      what: 'webhook',
      key: STORAGE_KEYS.webhook,
      set: INDEX_SETS.webhooks,
    }),
    smartRules: entityRepository<SmartRuleRecord>(records, index, smartRuleSchema, {
      what: 'smart rule',
      key: STORAGE_KEYS.smartRule,
      set: INDEX_SETS.smartRules,
    }),
    log,
    queue,
    keyv,
    backend,
    retentionMs: retention.ms,
    purgeExpired: (now) => log.purgeExpired(now),
    async close() {
      if (closed) return;
      closed = true;
      await opened.index.close();
      try {
        await keyv.disconnect();
      } catch (error) {
        throw storageFailure(backend, 'closing the store', error);
      }
    },
  };
}
