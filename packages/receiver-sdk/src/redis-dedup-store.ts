import { randomUUID } from 'node:crypto';
import { type ClaimResult, DEFAULT_KEY_PREFIX, type DedupStore, DONE } from './dedup-store.js';

/**
 * The commands used of a node-redis v5 client (`createClient()`, a cluster, or the client of a
 * `@keyv/redis` store). The client must be connected.
 */
export interface RedisClientLike {
  set(
    key: string,
    value: string,
    options: { condition?: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>;
  get(key: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisDedupStoreOptions {
  /**
   * Prefix of every key written; give each receiver application its own.
   * @default 'hookdesk:dedup:'
   */
  keyPrefix?: string;
}

// Deletes the claim only while it is still ours: after our lease expired, another process may hold it.
const NOT_A_CLIENT = '`client` must be a node-redis v5 client (createClient() from the `redis` package).';

const RELEASE =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * Dedup on Redis, shared by every process: a claim is `SET key token NX PX lease`, so of concurrent
 * claims exactly one wins, and a claim whose process died expires with its lease.
 */
export class RedisDedupStore implements DedupStore {
  #client: RedisClientLike | undefined;
  readonly #pending: Promise<RedisClientLike> | undefined;
  readonly #prefix: string;

  /** `client` may be a promise of one, as `@keyv/redis`'s `getClient()` gives. */
  constructor(client: RedisClientLike | Promise<RedisClientLike>, options: RedisDedupStoreOptions = {}) {
    if (client instanceof Promise) {
      this.#pending = client.then((resolved) => {
        if (!isRedisClient(resolved)) throw new TypeError(NOT_A_CLIENT);
        this.#client = resolved;
        return resolved;
      });
      // Surfaced by the first command instead.
      this.#pending.catch(() => {});
    } else if (isRedisClient(client)) {
      this.#client = client;
    } else {
      throw new TypeError(NOT_A_CLIENT);
    }
    this.#prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  async claim(uuid: string, leaseMs: number): Promise<ClaimResult> {
    const client = this.#client ?? (await this.#pending!);
    const key = this.#prefix + uuid;
    // A claim that expires between the SET and the GET is claimable again: try once more.
    for (let round = 0; round < 3; round++) {
      const token = randomUUID();
      const set = await client.set(key, token, {
        condition: 'NX',
        expiration: { type: 'PX', value: leaseMs },
      });
      if (set === 'OK') return { status: 'claimed', token };
      const current = await client.get(key);
      if (current === DONE) return { status: 'done' };
      if (current !== null) return { status: 'in_progress' };
    }
    return { status: 'in_progress' };
  }

  async complete(uuid: string, _token: string, ttlMs: number): Promise<void> {
    const client = this.#client ?? (await this.#pending!);
    await client.set(this.#prefix + uuid, DONE, { expiration: { type: 'PX', value: ttlMs } });
  }

  async release(uuid: string, token: string): Promise<void> {
    const client = this.#client ?? (await this.#pending!);
    await client.eval(RELEASE, { keys: [this.#prefix + uuid], arguments: [token] });
  }
}

/** Whether a value looks like a node-redis v5 client (or cluster). */
export function isRedisClient(value: unknown): value is RedisClientLike {
  const candidate = value as Partial<RedisClientLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.set === 'function' &&
    typeof candidate.get === 'function' &&
    typeof candidate.eval === 'function'
  );
}
