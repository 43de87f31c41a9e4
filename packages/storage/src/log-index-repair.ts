import { isSettled, settleEntries } from './delivery-stats.js';
import { indexStateOf, moveBetween } from './log-query.js';
import type { IndexEntry } from './ordered-index.js';
import type { DeliveryRecord } from './records.js';
import type { LogIndexState } from './storage-keys.js';

/**
 * The index changes that put a delivery's entries where its record's state says, from wherever
 * `from` says they may be (what a write lost between the record and its index would have done),
 * with its settle's hourly count: the same members the lost write had, so counted once if it did
 * land. A delivery failed unsent has no settle time recorded, so it is not counted here.
 */
export function indexRepairOf(
  delivery: DeliveryRecord,
  from: readonly LogIndexState[],
): { add: IndexEntry[]; remove: IndexEntry[] } {
  const state = indexStateOf(delivery);
  const add = new Map<string, IndexEntry>();
  const remove = new Map<string, IndexEntry>();
  for (const was of from) {
    if (was === state) continue;
    const move = moveBetween(delivery, was, state);
    for (const entry of move.add) add.set(`${entry.set} ${entry.member}`, entry);
    for (const entry of move.remove) remove.set(`${entry.set} ${entry.member}`, entry);
  }
  const last = delivery.attempts.at(-1);
  if (isSettled(state) && last && delivery.error === undefined) {
    for (const entry of settleEntries(delivery, {
      status: state,
      atMs: Date.parse(last.at),
      attempt: last.number,
      unsent: false,
    }))
      add.set(`${entry.set} ${entry.member}`, entry);
  }
  return { add: [...add.values()], remove: [...remove.values()] };
}
