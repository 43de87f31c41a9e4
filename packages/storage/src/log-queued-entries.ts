import { indexRepairOf } from './log-index-repair.js';
import { indexStateOf, LOG_QUEUED_SETS, memberOf } from './log-query.js';
import { mergedRange } from './merged-range.js';
import type { IndexEntry, OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { DeliveryRecord } from './records.js';
import { deliverySchema } from './schemas.js';
import { justAfter, parseSortKey } from './sort-key.js';
import { STORAGE_KEYS } from './storage-keys.js';

/**
 * The first attempts the log queues itself: a new pending delivery's `pending` entry (its event's
 * set, member `<createdAt>:<uuid>`) is its queue entry, due at its creation, so recording a
 * delivery writes no queue entry of its own and settling it removes none. Read here in due order
 * (creation order) with the records they name, which are the truth: an entry whose delivery is
 * gone, settled or moved on to a retry (a crash between the record and its index on a store
 * without shared commits) is repaired on the way, never handed out.
 */
export async function logQueuedEntries(
  records: RecordStore,
  index: OrderedIndex,
  range: { below?: string; limit: number },
): Promise<{ uuid: string; dueAt: number }[]> {
  const found: { uuid: string; dueAt: number }[] = [];
  let from: string | undefined;
  while (found.length < range.limit) {
    const want = range.limit - found.length;
    const members = await mergedRange(index, LOG_QUEUED_SETS, {
      from,
      below: range.below,
      limit: want,
      order: 'asc',
    });
    if (members.length === 0) break;
    const parsed = members.map((member) => parseSortKey(member));
    const stored = await records.readManySettled(
      parsed.map((key) => STORAGE_KEYS.delivery(key?.id ?? '')),
      deliverySchema,
    );
    const remove: IndexEntry[] = [];
    const add: IndexEntry[] = [];
    members.forEach((member, at) => {
      const key = parsed[at];
      const record = stored[at];
      if (key && record && !(record instanceof Error)) {
        const delivery = record as DeliveryRecord;
        const state = indexStateOf(delivery);
        if (state === 'pending' && memberOf(delivery) === member) {
          found.push({ uuid: key.id, dueAt: key.ms });
          return;
        }
        if (state !== 'pending') {
          // Settled or moved on: its entries go where its state says (what the lost write did).
          const repair = indexRepairOf(delivery, ['pending']);
          add.push(...repair.add);
          remove.push(...repair.remove);
          return;
        }
      }
      // Gone (purged), unreadable (it stays in the log for an admin to see) or not its member.
      for (const set of LOG_QUEUED_SETS) remove.push({ set, member });
    });
    if (remove.length > 0) await index.update({ add, remove });
    if (members.length < want) break;
    from = justAfter(members[members.length - 1]!);
  }
  return found;
}
