import { randomUUID } from 'node:crypto';
import { type ClaimResult, DEFAULT_KEY_PREFIX, type DedupStore, DONE } from './dedup-store.js';

/** The part of a Keyv 5 instance used here. */
export interface KeyvLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttl?: number): Promise<unknown>;
  delete(key: string): Promise<unknown>;
  readonly store: unknown;
  throwOnErrors?: boolean;
}

export interface KeyvDedupStoreOptions {
  /**
   * Prefix of every key written.
   * @default 'hookdesk:dedup:'
   */
  keyPrefix?: string;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/**
 * Dedup on any Keyv store. Keyv has no compare-and-set, so claims are made atomic by a per-uuid
 * lock in this process: correct for one process; several processes need Redis (`RedisDedupStore`).
 */
export class KeyvDedupStore implements DedupStore {
  readonly #keyv: KeyvLike;
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #held = new Map<string, string>();

  constructor(keyv: KeyvLike, options: KeyvDedupStoreOptions = {}) {
    if (!isKeyv(keyv)) throw new TypeError('`keyv` must be a Keyv instance (the `keyv` package, v5).');
    if (keyv.throwOnErrors !== true) {
      // Without it Keyv turns a store outage into a miss, which would read as "never processed".
      throw new TypeError(
        'Create the Keyv for dedup with `throwOnErrors: true` (new Keyv(store, { throwOnErrors: true })): otherwise a store outage looks like an unprocessed uuid.',
      );
    }
    this.#keyv = keyv;
    this.#prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.#now = options.now ?? Date.now;
  }

  async claim(uuid: string, leaseMs: number): Promise<ClaimResult> {
    const now = this.#now();
    const held = this.#held.get(uuid);
    if (held !== undefined && leaseExpiry(held) > now) return { status: 'in_progress' };
    // Taken synchronously, before any await: a second copy arriving meanwhile sees it.
    const token = `${now + leaseMs}:${randomUUID()}`;
    this.#held.set(uuid, token);
    try {
      const key = this.#prefix + uuid;
      const current = await this.#keyv.get(key);
      if (current === DONE) {
        this.#unhold(uuid, token);
        return { status: 'done' };
      }
      if (typeof current === 'string' && leaseExpiry(current) > this.#now()) {
        this.#unhold(uuid, token);
        return { status: 'in_progress' };
      }
      await this.#keyv.set(key, token, leaseMs);
      return { status: 'claimed', token };
    } catch (error) {
      this.#unhold(uuid, token);
      throw error;
    }
  }

  async complete(uuid: string, token: string, ttlMs: number): Promise<void> {
    try {
      await this.#keyv.set(this.#prefix + uuid, DONE, ttlMs);
    } finally {
      this.#unhold(uuid, token);
    }
  }

  async release(uuid: string, token: string): Promise<void> {
    try {
      const key = this.#prefix + uuid;
      if ((await this.#keyv.get(key)) === token) await this.#keyv.delete(key);
    } finally {
      this.#unhold(uuid, token);
    }
  }

  // Only the claim that took the lock drops it: an expired claimer must not free a newer one.
  #unhold(uuid: string, token: string): void {
    if (this.#held.get(uuid) === token) this.#held.delete(uuid);
  }
}

// A lease token is `<expiry ms>:<random>`; stores with coarse TTLs may keep it a little longer.
function leaseExpiry(token: string): number {
  const expiry = Number.parseInt(token, 10);
  return Number.isNaN(expiry) ? 0 : expiry;
}

/** Whether a value looks like a Keyv instance. */
export function isKeyv(value: unknown): value is KeyvLike {
  const candidate = value as Partial<KeyvLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    'store' in candidate &&
    typeof candidate.get === 'function' &&
    typeof candidate.set === 'function' &&
    typeof candidate.delete === 'function'
  );
}
