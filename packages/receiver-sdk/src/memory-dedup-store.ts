import type { ClaimResult, DedupStore } from './dedup-store.js';

export interface MemoryDedupStoreOptions {
  /**
   * Most uuids kept; past it the oldest are forgotten first (a forgotten uuid would be processed again).
   * @default 100000
   */
  maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

interface Entry {
  token: string | null;
  expiresAt: number;
}

/**
 * Dedup in this process's memory, on a `Map` (no serializer on the hot path). Claims are atomic
 * because they run synchronously; nothing survives a restart and nothing is shared between processes.
 */
export class MemoryDedupStore implements DedupStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  // Tokens only need to differ between claims of this one store: a counter is enough.
  #claims = 0;

  constructor(options: MemoryDedupStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new TypeError('`maxEntries` must be a positive integer.');
    }
  }

  claim(uuid: string, leaseMs: number): Promise<ClaimResult> {
    return Promise.resolve(this.claimSync(uuid, leaseMs));
  }

  /** `claim` without the promise. */
  claimSync(uuid: string, leaseMs: number): ClaimResult {
    const now = this.#now();
    const entry = this.#entries.get(uuid);
    if (entry !== undefined && entry.expiresAt > now) {
      return entry.token === null ? { status: 'done' } : { status: 'in_progress' };
    }
    const token = String(++this.#claims);
    this.#put(uuid, { token, expiresAt: now + leaseMs });
    return { status: 'claimed', token };
  }

  complete(uuid: string, _token: string, ttlMs: number): Promise<void> {
    this.#put(uuid, { token: null, expiresAt: this.#now() + ttlMs });
    return Promise.resolve();
  }

  release(uuid: string, token: string): Promise<void> {
    if (this.#entries.get(uuid)?.token === token) this.#entries.delete(uuid);
    return Promise.resolve();
  }

  /** How many uuids are kept (claimed or done, expired ones until they are evicted). */
  get size(): number {
    return this.#entries.size;
  }

  #put(uuid: string, entry: Entry): void {
    // Delete first so the Map's insertion order stays oldest-first for eviction.
    this.#entries.delete(uuid);
    this.#entries.set(uuid, entry);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
