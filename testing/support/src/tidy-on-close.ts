/** What `tidyOnClose` needs of a Hookdesk storage (kept structural: this package depends on none). */
export interface TidyableStorage {
  readonly keyv: { clear(): Promise<void>; readonly store: unknown; readonly namespace?: string };
  close(): Promise<void>;
}

/**
 * The same storage, whose `close()` first deletes everything its namespace wrote: the Redis and
 * PostgreSQL servers are shared with other suites, so tests never flush them, only tidy up.
 */
export function tidyOnClose<S extends TidyableStorage>(storage: S): S {
  const close = storage.close.bind(storage);
  return Object.assign(storage, {
    async close() {
      try {
        // @keyv/redis clears `<namespace>::*`, which includes the index sets; @keyv/postgres
        // clears `<namespace>:%` in its table, and the index table is tidied here.
        await storage.keyv.clear();
        const store = storage.keyv.store as {
          query?: (sql: string, values: unknown[]) => Promise<unknown>;
          getClient?: () => Promise<{ sendCommand(args: string[]): Promise<unknown> }>;
        };
        if (typeof store.getClient === 'function') {
          // @keyv/redis clears string keys only (the index sets are sorted sets) and misses some.
          const client = await store.getClient();
          let cursor = '0';
          do {
            const [next, keys] = (await client.sendCommand([
              'SCAN',
              cursor,
              'MATCH',
              `${storage.keyv.namespace}::*`,
              'COUNT',
              '1000',
            ])) as [string, string[]];
            if (keys.length > 0) await client.sendCommand(['UNLINK', ...keys]);
            cursor = next;
          } while (cursor !== '0');
        }
        if (typeof store.query === 'function') {
          // The index table exists only once an index was used: a fresh server may not have it.
          const [found] = (await store.query(
            "SELECT to_regclass('public.hookdesk_index') IS NOT NULL AS present",
            [],
          )) as {
            present: boolean;
          }[];
          if (found?.present) {
            await store.query('DELETE FROM public.hookdesk_index WHERE set_name LIKE $1', [
              `${storage.keyv.namespace}:%`,
            ]);
          }
        }
      } finally {
        await close();
      }
    },
  });
}
