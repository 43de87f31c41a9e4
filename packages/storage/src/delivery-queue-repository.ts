import type { OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { QueuedDelivery } from './records.js';
import type { DeliveryQueueRepository } from './repositories.js';
import { queuePointerSchema } from './schemas.js';
import { parseSortKey, sortKey, timePrefix } from './sort-key.js';
import { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

/** The queue plus what the delivery log needs from it when retention purges deliveries. */
export interface InternalQueueRepository extends DeliveryQueueRepository {
  /** Drops the entries of these deliveries, if any. */
  forget(uuids: readonly string[]): Promise<void>;
}

/**
 * The durable delivery queue: the `queue` set holds `<dueAt>:<uuid>` members, so "what is due"
 * is a range read from the start; a pointer record per uuid holds its current due time, so a
 * reschedule can drop the old member. Writes go new member, pointer, old member removal: a crash
 * at any step leaves the delivery queued (at worst a stale member, which readers drop when the
 * pointer disagrees), never lost.
 */
export function deliveryQueueRepository(records: RecordStore, index: OrderedIndex): InternalQueueRepository {
  const set = INDEX_SETS.queue;

  async function pointers(uuids: readonly string[]) {
    return records.readMany(uuids.map(STORAGE_KEYS.queueEntry), queuePointerSchema);
  }

  /** Members whose pointer agrees, as queue entries; stale ones are removed on the way. */
  async function live(members: string[]): Promise<QueuedDelivery[]> {
    const parsed = members.map((member) => ({ member, key: parseSortKey(member) }));
    const current = await pointers(parsed.map(({ key }) => key?.id ?? ''));
    const entries: QueuedDelivery[] = [];
    const stale: string[] = [];
    parsed.forEach(({ member, key }, at) => {
      const pointer = current[at];
      if (key && pointer && pointer.dueAt === key.ms) entries.push({ uuid: key.id, dueAt: key.ms });
      else stale.push(member);
    });
    if (stale.length > 0) await index.update({ remove: stale.map((member) => ({ set, member })) });
    return entries;
  }

  async function forget(uuids: readonly string[]) {
    if (uuids.length === 0) return;
    const current = await pointers(uuids);
    const remove = current.flatMap((pointer) =>
      pointer ? [{ set, member: sortKey(pointer.dueAt, pointer.uuid) }] : [],
    );
    if (remove.length === 0) return;
    await index.update({ remove });
    await records.removeMany(
      current.flatMap((pointer) => (pointer ? [STORAGE_KEYS.queueEntry(pointer.uuid)] : [])),
    );
  }

  return {
    async schedule(entries) {
      if (entries.length === 0) return;
      // The last entry for a uuid wins, as if they had been scheduled one after the other.
      const latest = new Map<string, QueuedDelivery>();
      for (const entry of entries) {
        validInput(queuePointerSchema, entry, 'queue entry');
        latest.set(entry.uuid, { uuid: entry.uuid, dueAt: entry.dueAt });
      }
      const wanted = [...latest.values()];
      const current = await pointers(wanted.map((entry) => entry.uuid));
      await index.update({ add: wanted.map((entry) => ({ set, member: sortKey(entry.dueAt, entry.uuid) })) });
      await records.write(
        wanted.map((entry) => ({ key: STORAGE_KEYS.queueEntry(entry.uuid), value: entry })),
      );
      const remove = current.flatMap((pointer, at) =>
        pointer && pointer.dueAt !== wanted[at]!.dueAt
          ? [{ set, member: sortKey(pointer.dueAt, pointer.uuid) }]
          : [],
      );
      if (remove.length > 0) await index.update({ remove });
    },

    async due(now, limit) {
      if (limit <= 0) return [];
      const below = timePrefix(Math.floor(now) + 1);
      const result: QueuedDelivery[] = [];
      let from: string | undefined;
      while (result.length < limit) {
        const want = limit - result.length;
        const members = await index.range(set, { from, below, limit: want, order: 'asc' });
        result.push(...(await live(members)));
        if (members.length < want) break;
        // Continue strictly after the last member read (`\0` is below every member character).
        from = `${members[members.length - 1]!}\u0000`;
      }
      return result;
    },

    async nextDueAt() {
      let from: string | undefined;
      for (;;) {
        const members = await index.range(set, { from, limit: 16, order: 'asc' });
        if (members.length === 0) return null;
        const [first] = await live(members);
        if (first) return first.dueAt;
        from = `${members[members.length - 1]!}\u0000`;
      }
    },

    remove: (uuid) => forget([uuid]),

    size: () => index.count(set),

    forget,
  };
}
