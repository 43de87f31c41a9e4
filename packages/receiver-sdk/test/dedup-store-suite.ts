import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { DedupStore } from '../src/index.js';

export interface DedupSuiteOptions {
  /** The shortest lease the backend expires reliably, in ms. */
  leaseMs: number;
  /** Whether separate instances from `create` see each other's claims (a shared backend). */
  shared: boolean;
  /**
   * For a store that reads time only through an injected clock: `create` is given this clock, and
   * the suite moves it instead of sleeping. Without it, the suite waits in real time, briefly.
   */
  fakeClock?: boolean;
}

/** A clock the suite moves by hand, for stores that take `now`. */
export interface SuiteClock {
  now: () => number;
}

/** The same cases against every DedupStore; `create` returns instances over one fresh namespace. */
export function dedupStoreSuite(
  name: string,
  create: (clock: SuiteClock) => Promise<{ stores: [DedupStore, DedupStore]; close?: () => Promise<void> }>,
  options: DedupSuiteOptions,
): void {
  describe(`DedupStore conformance: ${name}`, () => {
    let time = Date.now();
    const clock: SuiteClock = { now: () => (options.fakeClock ? time : Date.now()) };

    // Past a lease or a TTL: the fake clock moves at once, a real one is waited for.
    async function wait(ms: number): Promise<void> {
      if (options.fakeClock) time += ms;
      else await sleep(ms);
    }

    async function withStores(run: (a: DedupStore, b: DedupStore) => Promise<void>): Promise<void> {
      time = Date.now();
      const { stores, close } = await create(clock);
      try {
        await run(...stores);
      } finally {
        await close?.();
      }
    }

    it('claims a new uuid once; a second claim is in progress', () =>
      withStores(async (a) => {
        const first = await a.claim('u1', 10_000);
        expect(first.status).toBe('claimed');
        expect((await a.claim('u1', 10_000)).status).toBe('in_progress');
        expect((await a.claim('u2', 10_000)).status).toBe('claimed');
      }));

    it('of concurrent claims exactly one wins', () =>
      withStores(async (a, b) => {
        const claims = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 === 0 || !options.shared ? a : b).claim('race', 10_000),
          ),
        );
        expect(claims.filter((claim) => claim.status === 'claimed')).toHaveLength(1);
      }));

    it('reports done after complete, for the done TTL', () =>
      withStores(async (a, b) => {
        const claim = await a.claim('u1', 10_000);
        if (claim.status !== 'claimed') throw new Error('not claimed');
        await a.complete('u1', claim.token, 10_000);
        expect((await a.claim('u1', 10_000)).status).toBe('done');
        if (options.shared) expect((await b.claim('u1', 10_000)).status).toBe('done');
      }));

    it('lets a retry claim again after release', () =>
      withStores(async (a) => {
        const claim = await a.claim('u1', 10_000);
        if (claim.status !== 'claimed') throw new Error('not claimed');
        await a.release('u1', claim.token);
        expect((await a.claim('u1', 10_000)).status).toBe('claimed');
      }));

    it('lets a claim expire with its lease, as when its process died', () =>
      withStores(async (a, b) => {
        expect((await a.claim('u1', options.leaseMs)).status).toBe('claimed');
        const other = options.shared ? b : a;
        await wait(options.leaseMs * 2 + 50);
        expect((await other.claim('u1', 10_000)).status).toBe('claimed');
      }));

    it('does not drop a newer claim when an expired one is released', () =>
      withStores(async (a, b) => {
        const stale = await a.claim('u1', options.leaseMs);
        if (stale.status !== 'claimed') throw new Error('not claimed');
        await wait(options.leaseMs * 2 + 50);
        const other = options.shared ? b : a;
        const fresh = await other.claim('u1', 10_000);
        expect(fresh.status).toBe('claimed');
        await a.release('u1', stale.token);
        expect((await other.claim('u1', 10_000)).status).toBe('in_progress');
      }));

    // A store that reads its TTL in the wrong unit (ms as s: 1/1000 of it) would still answer `done`
    // right after complete; only asking again well after the lease tells.
    it('keeps a uuid completed with a 10 s TTL done well after the lease', () =>
      withStores(async (a, b) => {
        const claim = await a.claim('u1', options.leaseMs);
        if (claim.status !== 'claimed') throw new Error('not claimed');
        await a.complete('u1', claim.token, 10_000);
        const other = options.shared ? b : a;
        if (options.fakeClock) {
          const completedAt = time;
          for (const elapsed of [options.leaseMs * 2, 5_000, 9_990]) {
            time = completedAt + elapsed;
            expect((await other.claim('u1', 10_000)).status, `${elapsed} ms after complete`).toBe('done');
          }
          time = completedAt + 10_010;
          expect((await other.claim('u1', 10_000)).status, 'past the TTL').toBe('claimed');
        } else {
          await wait(options.leaseMs * 2 + 50);
          expect((await other.claim('u1', 10_000)).status).toBe('done');
        }
      }));

    it('forgets a done uuid after its TTL', () =>
      withStores(async (a) => {
        const claim = await a.claim('u1', 10_000);
        if (claim.status !== 'claimed') throw new Error('not claimed');
        await a.complete('u1', claim.token, options.leaseMs);
        await wait(options.leaseMs * 2 + 50);
        expect((await a.claim('u1', 10_000)).status).toBe('claimed');
      }));
  });
}
