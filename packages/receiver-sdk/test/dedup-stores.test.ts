import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { KeyvDedupStore, MemoryDedupStore, RedisDedupStore, resolveDedupStore } from '../src/index.js';
import { dedupStoreSuite } from './dedup-store-suite.js';
import { uniquePrefix } from './fixtures.js';
import { connectRedis, REDIS_URL, redisAvailable } from './redis.js';

const hasRedis = await redisAvailable();

dedupStoreSuite(
  'MemoryDedupStore',
  async ({ now }) => {
    const store = new MemoryDedupStore({ now });
    return { stores: [store, store] };
  },
  { leaseMs: 40, shared: false, fakeClock: true },
);

dedupStoreSuite(
  'KeyvDedupStore over an in-memory Keyv',
  async () => {
    const store = new KeyvDedupStore(new Keyv({ throwOnErrors: true }), { keyPrefix: uniquePrefix() });
    return { stores: [store, store] };
  },
  { leaseMs: 40, shared: false },
);

describe.skipIf(!hasRedis)('on Redis', () => {
  dedupStoreSuite(
    'RedisDedupStore, two connections',
    async () => {
      const [one, two] = await Promise.all([connectRedis(), connectRedis()]);
      const keyPrefix = uniquePrefix();
      return {
        stores: [new RedisDedupStore(one, { keyPrefix }), new RedisDedupStore(two, { keyPrefix })],
        close: async () => {
          await Promise.all([one.quit(), two.quit()]);
        },
      };
    },
    { leaseMs: 60, shared: true },
  );

  dedupStoreSuite(
    'a @keyv/redis store, resolved to Redis SET NX',
    async () => {
      const keyPrefix = uniquePrefix();
      const redisStores = [new KeyvRedis(REDIS_URL), new KeyvRedis(REDIS_URL)];
      const stores = redisStores.map((store) => resolveDedupStore(store, { keyPrefix }));
      expect(stores.every((store) => store instanceof RedisDedupStore)).toBe(true);
      return {
        stores: stores as [RedisDedupStore, RedisDedupStore],
        close: async () => {
          await Promise.all(redisStores.map((store) => store.disconnect()));
        },
      };
    },
    { leaseMs: 60, shared: true },
  );

  dedupStoreSuite(
    'a Keyv on @keyv/redis, resolved to Redis SET NX',
    async () => {
      const keyPrefix = uniquePrefix();
      const keyvs = [new Keyv(new KeyvRedis(REDIS_URL)), new Keyv(new KeyvRedis(REDIS_URL))];
      const stores = keyvs.map((keyv) => resolveDedupStore(keyv, { keyPrefix }));
      expect(stores.every((store) => store instanceof RedisDedupStore)).toBe(true);
      return {
        stores: stores as [RedisDedupStore, RedisDedupStore],
        close: async () => {
          await Promise.all(keyvs.map((keyv) => keyv.disconnect()));
        },
      };
    },
    { leaseMs: 60, shared: true },
  );
});

describe('resolveDedupStore', () => {
  it('defaults to memory and keeps a DedupStore as is', () => {
    expect(resolveDedupStore(undefined)).toBeInstanceOf(MemoryDedupStore);
    const own = new MemoryDedupStore();
    expect(resolveDedupStore(own)).toBe(own);
    expect(resolveDedupStore(new Keyv({ throwOnErrors: true }))).toBeInstanceOf(KeyvDedupStore);
  });

  it('refuses what it cannot use, saying what it takes', () => {
    expect(() => resolveDedupStore({} as never)).toThrow(
      '`store` must be a node-redis v5 client, a @keyv/redis store, a Keyv instance, or an object with claim, complete and release (a DedupStore).',
    );
    expect(() => new RedisDedupStore({} as never)).toThrow(/`client` must be a node-redis v5 client/);
  });

  it('requires throwOnErrors on a Keyv, so an outage never reads as "not processed"', () => {
    expect(() => resolveDedupStore(new Keyv())).toThrow(/new Keyv\(store, \{ throwOnErrors: true \}\)/);
  });

  it('forgets the oldest uuids past maxEntries, keeping at least the newest half', async () => {
    const store = new MemoryDedupStore({ maxEntries: 4 });
    for (const uuid of ['a', 'b', 'c', 'd', 'e']) {
      const claim = store.claimSync(uuid, 1000);
      if (claim.status === 'claimed') await store.complete(uuid, claim.token, 1000);
    }
    expect(store.size).toBeLessThanOrEqual(4);
    for (const uuid of ['d', 'e']) expect(store.claimSync(uuid, 1000).status).toBe('done');
    expect(store.claimSync('a', 1000).status).toBe('claimed');
    expect(() => new MemoryDedupStore({ maxEntries: 1 })).toThrow(
      '`maxEntries` must be an integer of at least 2.',
    );
  });

  it('claims at its cap within a small multiple of a plain Map.set', () => {
    const timeIt = (run: (i: number) => void) => {
      const start = performance.now();
      for (let i = 0; i < 100_000; i++) run(i);
      return performance.now() - start;
    };
    const store = new MemoryDedupStore({ maxEntries: 100_000 });
    const map = new Map<string, number>();
    for (let i = 0; i < 300_000; i++) {
      store.claimSync(`warm-${i}`, 1000);
      map.set(`warm-${i}`, i);
    }
    const mapTime = timeIt((i) => map.set(`timed-${i}`, i));
    const claimTime = timeIt((i) => store.claimSync(`timed-${i}`, 1000));
    // About 1.5× here; evicting a Map's first key one at a time (the trap this layout avoids) is 15-20×.
    expect(claimTime / mapTime).toBeLessThan(8);
    expect(store.size).toBeLessThanOrEqual(100_000);
  });
});
