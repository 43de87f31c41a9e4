import { CorruptRecordError, type EntityRepository, type HookdeskStorage } from '@hookdesk/storage';
import type { ConformanceTestApi } from '@hookdesk/test-support';

/** What `entityRepositoryCases` tests: a repository of records with an id and `createdAt`, over `storage`. */
export interface EntityRepositorySubject<T extends { id: string; createdAt: string }> {
  /** Names the describe block, e.g. `webhooks`. */
  name: string;
  /** The test's storage (its Keyv store, to plant corrupt values). */
  storage: () => HookdeskStorage;
  repo: () => EntityRepository<T>;
  /** A valid record created `at` minutes after the base time. */
  make(id: string, at: number): T;
  /** The record's key in the store. */
  keyOf(id: string): string;
}

/**
 * The cases of an entity repository (webhooks here; smart rules run them on theirs): put, get,
 * list oldest first, delete, corrupt values, invalid input.
 */
export function entityRepositoryCases<T extends { id: string; createdAt: string }>(
  test: ConformanceTestApi,
  subject: EntityRepositorySubject<T>,
): void {
  const { describe, it, expect } = test;
  const { make, keyOf } = subject;
  describe(subject.name, () => {
    it('creates, reads, replaces, lists oldest first and deletes', async () => {
      const repo = subject.repo();
      expect(await repo.list()).toEqual([]);
      expect(await repo.get('b')).toBeUndefined();
      await repo.put(make('b', 5) as never);
      await repo.put(make('a', 9) as never);
      await repo.put(make('c:with/odd id', 1) as never);
      expect((await repo.list()).map((item) => item.id)).toEqual(['c:with/odd id', 'b', 'a']);
      const replaced = { ...make('b', 5), name: 'Renamed', active: false };
      await repo.put(replaced as never);
      expect(await repo.get('b')).toEqual(replaced);
      expect(await repo.list()).toHaveLength(3);
      expect(await repo.delete('b')).toBe(true);
      expect(await repo.delete('b')).toBe(false);
      expect(await repo.get('b')).toBeUndefined();
      expect((await repo.list()).map((item) => item.id)).toEqual(['c:with/odd id', 'a']);
    });

    it('rejects a corrupt record on get and list with a CorruptRecordError naming the key', async () => {
      const repo = subject.repo();
      const storage = subject.storage();
      await repo.put(make('x', 1) as never);
      await storage.keyv.set(keyOf('x'), { ...make('x', 1), createdAt: 42, active: 'maybe' });
      for (const read of [() => repo.get('x'), () => repo.list()]) {
        const error = await read().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CorruptRecordError);
        expect((error as Error).message).toContain(keyOf('x'));
      }
    });

    it('refuses an invalid record and writes nothing', async () => {
      const repo = subject.repo();
      await expect(repo.put({ ...make('y', 1), createdAt: 'yesterday' } as never)).rejects.toThrow(
        /createdAt/,
      );
      expect(await repo.get('y')).toBeUndefined();
      expect(await repo.list()).toEqual([]);
    });
  });
}
