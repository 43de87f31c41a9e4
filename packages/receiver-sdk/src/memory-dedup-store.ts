import type { ClaimResult, DedupStore } from './dedup-store.js';

export interface MemoryDedupStoreOptions {
  /**
   * Most uuids kept, processed or claimed. Past it the oldest are forgotten, half of it at a time
   * (a forgotten uuid would be processed again); the newest `maxEntries / 2` are always kept.
   * @default 100000
   */
  maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

/** A claim in progress. A processed uuid is stored as a number instead: its expiry. */
interface Lease {
  token: string;
  /** Like a processed uuid's expiry, in ms since the store's epoch. */
  expiresAt: number;
}

type Entry = Lease | number;

const DONE: ClaimResult = Object.freeze({ status: 'done' });
const IN_PROGRESS: ClaimResult = Object.freeze({ status: 'in_progress' });

/**
 * Dedup in this process's memory, on `Map`s (no serializer on the hot path). Claims are atomic
 * because they run synchronously; nothing survives a restart and nothing is shared between processes.
 */
export class MemoryDedupStore implements DedupStore {
  // Two generations, as quick-lru does: evicting a Map's oldest key one at a time makes V8 skip ever
  // more deleted slots at its head, slowing every claim of a large store. Expiries, of a
  // processed uuid or of a lease, are in ms since `#epoch`: small integers that V8 stores without
  // allocating, where ms since 1970 would each take a heap number.
  #current = new Map<string, Entry>();
  #previous = new Map<string, Entry>();
  readonly #generationSize: number;
  readonly #now: () => number;
  readonly #epoch: number;
  // Tokens only need to differ between claims of this one store: a counter is enough.
  #claims = 0;

  constructor(options: MemoryDedupStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 2) {
      throw new TypeError('`maxEntries` must be an integer of at least 2.');
    }
    this.#generationSize = Math.floor(maxEntries / 2);
    this.#now = options.now ?? Date.now;
    this.#epoch = this.#now();
  }

  claim(uuid: string, leaseMs: number): Promise<ClaimResult> {
    return Promise.resolve(this.claimSync(uuid, leaseMs));
  }

  /** `claim` without the promise. */
  claimSync(uuid: string, leaseMs: number): ClaimResult {
    const now = this.#now() - this.#epoch;
    const entry = this.#current.get(uuid) ?? this.#previous.get(uuid);
    if (entry !== undefined) {
      if (typeof entry === 'number') {
        if (entry > now) return DONE;
      } else if (entry.expiresAt > now) {
        return IN_PROGRESS;
      }
    }
    const token = String(++this.#claims);
    this.#set(uuid, { token, expiresAt: now + leaseMs });
    return { status: 'claimed', token };
  }

  complete(uuid: string, token: string, ttlMs: number): Promise<void> {
    this.completeSync(uuid, token, ttlMs);
    return Promise.resolve();
  }

  /** `complete` without the promise. */
  completeSync(uuid: string, _token: string, ttlMs: number): void {
    this.#set(uuid, this.#now() - this.#epoch + ttlMs);
  }

  release(uuid: string, token: string): Promise<void> {
    for (const generation of [this.#current, this.#previous]) {
      const entry = generation.get(uuid);
      if (typeof entry === 'object' && entry.token === token) generation.delete(uuid);
    }
    return Promise.resolve();
  }

  /** How many uuids are kept, processed or claimed (expired ones until their generation is dropped). */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  // An older copy left in `#previous` is harmless: `#current` is read first, and both age out.
  #set(uuid: string, entry: Entry): void {
    this.#current.set(uuid, entry);
    if (this.#current.size >= this.#generationSize) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }
}
