/**
 * - `claimed`: this caller owns the uuid until it completes or releases it, or the lease expires.
 * - `done`: the uuid was processed already.
 * - `in_progress`: another caller holds a live claim.
 */
export type ClaimResult =
  | { status: 'claimed'; token: string }
  | { status: 'done' }
  | { status: 'in_progress' };

/**
 * Where processed uuids are kept. `claim` must be atomic: of concurrent claims of one uuid, one
 * wins. Implement it to bring another backend.
 */
export interface DedupStore {
  /** Claims `uuid` for `leaseMs`; the lease expires by itself if the claimer dies. */
  claim(uuid: string, leaseMs: number): Promise<ClaimResult>;
  /** Marks `uuid` processed for `ttlMs`. */
  complete(uuid: string, token: string, ttlMs: number): Promise<void>;
  /** Drops the claim of `token` so a retry of `uuid` is processed. */
  release(uuid: string, token: string): Promise<void>;
}

/** Value a processed uuid is stored with; a claim stores its lease token instead. */
export const DONE = 'done';

/** Prefix of every key a dedup store writes, by default. */
export const DEFAULT_KEY_PREFIX = 'hookdesk:dedup:';
