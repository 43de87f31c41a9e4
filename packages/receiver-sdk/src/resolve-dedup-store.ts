import type { DedupStore } from './dedup-store.js';
import { isKeyv, KeyvDedupStore, type KeyvLike } from './keyv-dedup-store.js';
import { MemoryDedupStore } from './memory-dedup-store.js';
import { isRedisClient, type RedisClientLike, RedisDedupStore } from './redis-dedup-store.js';

/** A `@keyv/redis` store (`new KeyvRedis(url)`), as far as it is used: its node-redis client. */
export interface KeyvRedisLike {
  getClient(): Promise<unknown>;
}

/** What the `store` option takes. */
export type DedupStoreInput = DedupStore | KeyvLike | KeyvRedisLike | RedisClientLike;

export interface ResolveDedupStoreOptions {
  /**
   * Prefix of every key written to Redis or Keyv.
   * @default 'hookdesk:dedup:'
   */
  keyPrefix?: string;
}

/**
 * The dedup store for the `store` option: a `DedupStore` as is; a node-redis v5 client, a
 * `@keyv/redis` store, or a Keyv whose store is `@keyv/redis`, as a `RedisDedupStore` (atomic across processes); any other Keyv as
 * a `KeyvDedupStore` (atomic within one process); nothing as a `MemoryDedupStore`.
 */
export function resolveDedupStore(
  input: DedupStoreInput | undefined,
  options: ResolveDedupStoreOptions = {},
): DedupStore {
  if (input === undefined) return new MemoryDedupStore();
  if (isDedupStore(input)) return input;
  if (isKeyvRedisStore(input))
    return new RedisDedupStore(input.getClient() as Promise<RedisClientLike>, options);
  if (isKeyv(input)) {
    const store = input.store as { getClient?: () => Promise<unknown> } | undefined;
    if (typeof store?.getClient === 'function') {
      // @keyv/redis: go to its node-redis client, since Keyv itself has no SET NX.
      return new RedisDedupStore(store.getClient() as Promise<RedisClientLike>, options);
    }
    return new KeyvDedupStore(input, options);
  }
  if (isRedisClient(input)) return new RedisDedupStore(input, options);
  throw new TypeError(
    '`store` must be a node-redis v5 client, a @keyv/redis store, a Keyv instance, or an object with claim, complete and release (a DedupStore).',
  );
}

function isDedupStore(value: unknown): value is DedupStore {
  const candidate = value as Partial<DedupStore> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.claim === 'function' &&
    typeof candidate.complete === 'function' &&
    typeof candidate.release === 'function'
  );
}

function isKeyvRedisStore(value: unknown): value is KeyvRedisLike {
  const candidate = value as { getClient?: unknown; createKeyPrefix?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.getClient === 'function' &&
    typeof candidate.createKeyPrefix === 'function'
  );
}
