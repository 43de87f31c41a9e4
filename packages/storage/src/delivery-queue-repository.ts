import { LOG_QUEUED_SETS } from './log-query.js';
import { logQueuedEntries } from './log-queued-entries.js';
import { type IndexEntry, type OrderedIndex, writeInOrder } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { QueuedDelivery } from './records.js';
import type { DeliveryQueueRepository } from './repositories.js';
import { queuePointerSchema } from './schemas.js';
import { justAfter, parseSortKey, sortKey, timePrefix } from './sort-key.js';
import { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

/** The queue plus what the delivery log needs from it when retention purges deliveries. */
export interface InternalQueueRepository extends DeliveryQueueRepository {
  /** Drops the entries of these deliveries, if any. */
  forget(uuids: readonly string[]): Promise<void>;
}

/**
 * The durable delivery queue, in two parts. A new pending delivery's first attempt is queued by
 * the log itself (`log-queued-entries.ts`): due at its creation, nothing written for it here.
 * Every later attempt (a retry, a resend, a recovered entry) is an entry of its own: the `queue` set holds `<dueAt>:<uuid>` members, so "what is due"
 * is a range read from the start; a pointer record per uuid holds its current due time and is
 * the truth. `schedule` writes the pointer first, then adds the new member, then removes the old
 * one (on the embedded store all three in one commit). So a reader that finds a member always
 * finds a pointer written no later than it; a member whose pointer disagrees is an old one (a
 * reschedule in progress, or cut short by a crash): readers skip it, remove it and make sure the
 * pointer's member exists. A member without a pointer is a removed entry's leftover. Readers
 * never drop an entry a concurrent `schedule` is still writing.
 */
export function deliveryQueueRepository(records: RecordStore, index: OrderedIndex): InternalQueueRepository {
  const set = INDEX_SETS.queue;

  async function pointers(uuids: readonly string[]) {
    return records.readMany(uuids.map(STORAGE_KEYS.queueEntry), queuePointerSchema);
  }

  /** Members whose pointer agrees, as queue entries; stale ones are repaired on the way. */
  async function live(members: string[]): Promise<QueuedDelivery[]> {
    const parsed = members.map((member) => ({ member, key: parseSortKey(member) }));
    const current = await pointers(parsed.map(({ key }) => key?.id ?? ''));
    const entries: QueuedDelivery[] = [];
    const remove: IndexEntry[] = [];
    const add: IndexEntry[] = [];
    parsed.forEach(({ member, key }, at) => {
      const pointer = current[at];
      if (key && pointer && pointer.dueAt === key.ms) {
        entries.push(
          pointer.once ? { uuid: key.id, dueAt: key.ms, once: true } : { uuid: key.id, dueAt: key.ms },
        );
        return;
      }
      remove.push({ set, member });
      // Adding the pointer's member again is a no-op when a reschedule already did.
      if (pointer) add.push({ set, member: sortKey(pointer.dueAt, pointer.uuid) });
    });
    if (remove.length > 0) await index.update({ add, remove });
    return entries;
  }

  /** Up to `limit` live entries of the `queue` set below `below`, earliest first. */
  async function scheduled(below: string | undefined, limit: number): Promise<QueuedDelivery[]> {
    const result: QueuedDelivery[] = [];
    let from: string | undefined;
    while (result.length < limit) {
      const want = limit - result.length;
      const members = await index.range(set, { from, below, limit: want, order: 'asc' });
      result.push(...(await live(members)));
      if (members.length < want) break;
      from = justAfter(members[members.length - 1]!);
    }
    return result;
  }

  async function forget(uuids: readonly string[]) {
    if (uuids.length === 0) return;
    const current = await pointers(uuids);
    const remove = current.flatMap((pointer) =>
      pointer ? [{ set, member: sortKey(pointer.dueAt, pointer.uuid) }] : [],
    );
    if (remove.length === 0) return;
    const removePointers = () =>
      records.removeMany(
        current.flatMap((pointer) => (pointer ? [STORAGE_KEYS.queueEntry(pointer.uuid)] : [])),
      );
    // The member before the pointer: a reader never finds a member whose pointer is gone
    // unless the entry is being removed, and then dropping the member is right.
    await writeInOrder(index, () => index.update({ remove }), removePointers);
  }

  return {
    async schedule(entries, options = {}) {
      if (entries.length === 0) return;
      // The last entry for a uuid wins, as if they had been scheduled one after the other.
      const latest = new Map<string, QueuedDelivery>();
      for (const entry of entries) {
        validInput(queuePointerSchema, entry, 'queue entry');
        latest.set(entry.uuid, entry);
      }
      const wanted = [...latest.values()];
      const current = options.fresh ? [] : await pointers(wanted.map((entry) => entry.uuid));
      // A resend's `once` stays with its entry when it is scheduled again (start-up recovery, say).
      const pointer = (entry: QueuedDelivery, at: number): QueuedDelivery =>
        (entry.once ?? current[at]?.once)
          ? { uuid: entry.uuid, dueAt: entry.dueAt, once: true }
          : { uuid: entry.uuid, dueAt: entry.dueAt };
      const writePointers = () =>
        records.write(
          wanted.map((entry, at) => ({
            key: STORAGE_KEYS.queueEntry(entry.uuid),
            value: pointer(entry, at),
          })),
        );
      const moveMembers = () =>
        index.update({
          add: wanted.map((entry) => ({ set, member: sortKey(entry.dueAt, entry.uuid) })),
          remove: current.flatMap((pointer, at) =>
            pointer && pointer.dueAt !== wanted[at]!.dueAt
              ? [{ set, member: sortKey(pointer.dueAt, pointer.uuid) }]
              : [],
          ),
        });
      await writeInOrder(index, writePointers, moveMembers);
    },

    async due(now, limit) {
      if (limit <= 0) return [];
      const below = timePrefix(Math.floor(now) + 1);
      const [own, byLog] = await Promise.all([
        scheduled(below, limit),
        logQueuedEntries(records, index, { below, limit }),
      ]);
      return earliestFirst(own, byLog, limit);
    },

    async nextDueAt() {
      const [[own], [byLog]] = await Promise.all([
        scheduled(undefined, 1),
        logQueuedEntries(records, index, { limit: 1 }),
      ]);
      if (own === undefined) return byLog?.dueAt ?? null;
      return byLog === undefined ? own.dueAt : Math.min(own.dueAt, byLog.dueAt);
    },

    remove: (uuid) => forget([uuid]),

    async size() {
      const counts = await Promise.all([set, ...LOG_QUEUED_SETS].map((name) => index.count(name)));
      return counts.reduce((sum, count) => sum + count, 0);
    },

    forget,
  };
}

/**
 * Both parts in due order, a uuid once: a delivery the log queues may have an entry of its own too
 * (start-up recovery writes one for every pending delivery), which then decides (its `once`).
 */
function earliestFirst(
  own: readonly QueuedDelivery[],
  byLog: readonly QueuedDelivery[],
  limit: number,
): QueuedDelivery[] {
  const seen = new Set(own.map((entry) => entry.uuid));
  const all = [...own, ...byLog.filter((entry) => !seen.has(entry.uuid))];
  all.sort((a, b) => a.dueAt - b.dueAt || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  return all.slice(0, limit);
}
