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
  async () => {
    const store = new MemoryDedupStore();
    return { stores: [store, store] };
  },
  { leaseMs: 40, shared: false },
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
      '`store` must be a node-redis v5 client, a Keyv instance, or an object with claim, complete and release (a DedupStore).',
    );
    expect(() => new RedisDedupStore({} as never)).toThrow(/`client` must be a node-redis v5 client/);
  });

  it('requires throwOnErrors on a Keyv, so an outage never reads as "not processed"', () => {
    expect(() => resolveDedupStore(new Keyv())).toThrow(/new Keyv\(store, \{ throwOnErrors: true \}\)/);
  });

  it('forgets the oldest uuids past maxEntries', async () => {
    const store = new MemoryDedupStore({ maxEntries: 2 });
    for (const uuid of ['a', 'b', 'c']) {
      const claim = store.claimSync(uuid, 1000);
      if (claim.status === 'claimed') await store.complete(uuid, claim.token, 1000);
    }
    expect(store.size).toBe(2);
    expect(store.claimSync('a', 1000).status).toBe('claimed');
    expect(store.claimSync('c', 1000).status).toBe('done');
    expect(() => new MemoryDedupStore({ maxEntries: 0 })).toThrow('`maxEntries` must be a positive integer.');
  });
});
