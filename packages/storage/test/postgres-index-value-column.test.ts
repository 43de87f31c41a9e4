import { randomUUID } from 'node:crypto';
import { describeWithService, POSTGRES_URL } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';
import { createStorage } from '../src/index.js';
import { PostgresOrderedIndex, type PostgresQuery } from '../src/postgres-ordered-index.js';

const describePostgres = await describeWithService('postgres', describe);

describePostgres('postgres index table made before members had values', () => {
  it('gains the value column on first use and keeps its members', async () => {
    const storage = await createStorage({ store: POSTGRES_URL, namespace: `hookdesk-test-${randomUUID()}` });
    const query = (storage.keyv.store as { query: PostgresQuery }).query;
    const table = `hookdesk_index_old_${randomUUID().replace(/-/g, '')}`;
    try {
      // The table as earlier versions created it.
      await query(`CREATE TABLE public.${table} (
         set_name text COLLATE "C" NOT NULL,
         member text COLLATE "C" NOT NULL,
         PRIMARY KEY (set_name, member))`);
      await query(`INSERT INTO public.${table} (set_name, member) VALUES ('s', 'old')`);
      // Two processes' worth of indexes starting at once: both find the table usable.
      const [a, b] = [new PostgresOrderedIndex(query, { table }), new PostgresOrderedIndex(query, { table })];
      const claims = await Promise.all([
        a.addIfAbsent('s', 'm', 'from-a'),
        b.addIfAbsent('s', 'm', 'from-b'),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await b.memberValue('s', 'm')).toBe(claims[0] ? 'from-a' : 'from-b');
      expect(await a.memberValue('s', 'old')).toBeUndefined();
      expect(await a.range('s', { limit: 10, order: 'asc' })).toEqual(['m', 'old']);
    } finally {
      await query(`DROP TABLE IF EXISTS public.${table}`);
      await storage.close();
    }
  });
});
