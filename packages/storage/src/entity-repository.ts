import type { z } from 'zod';
import type { OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { EntityRepository } from './repositories.js';
import { validInput } from './valid-input.js';

export interface EntityLayout {
  /** For messages, e.g. `webhook`. */
  what: string;
  key: (id: string) => string;
  /** The set holding every id. */
  set: string;
}

/**
 * Webhooks and smart rules: a record per id plus a set of ids. They number in the tens or
 * hundreds, so `list()` reads them all and sorts in memory.
 */
export function entityRepository<T extends { id: string; createdAt: string }>(
  records: RecordStore,
  index: OrderedIndex,
  schema: z.ZodType<T>,
  layout: EntityLayout,
): EntityRepository<T> {
  return {
    async list() {
      const ids = await index.range(layout.set, { limit: Number.MAX_SAFE_INTEGER, order: 'asc' });
      const found = await records.readMany(ids.map(layout.key), schema);
      const items = found.filter((item): item is T => item !== undefined);
      return items.sort(
        (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1),
      );
    },
    get: (id) => records.read(layout.key(id), schema),
    async put(record) {
      validInput(schema, record, layout.what);
      // The record before its id: a crash in between leaves an unlisted record, never a listed
      // id without one.
      await records.write([{ key: layout.key(record.id), value: record }]);
      await index.update({ add: [{ set: layout.set, member: record.id }] });
    },
    async delete(id) {
      await index.update({ remove: [{ set: layout.set, member: id }] });
      return records.remove(layout.key(id));
    },
  };
}
