import { type OrderedIndex, sortKey, timePrefix } from '@hookdesk/storage';

/** Slots removed per prune: a few are left behind by each crash, never more. */
const PRUNE_PAGE = 100;

/**
 * Claims on slots of time in one ordered set, across processes: a slot is claimed by the first
 * `claim` (the backend's atomic add-if-absent), which stores the holder's id with it. Nothing
 * expires by itself; a slot simply lies in the past once its time is over, and `prune` removes it.
 * The smart-rule sweep lease and sweep intervals are kept this way: Keyv has no compare-and-set.
 */
export interface TimeSlotClaims {
  /** Claims the slot starting at `startMs` for `holder`: true when it is (now, or already) `holder`'s. */
  claim(startMs: number, holder: string): Promise<boolean>;
  /** Gives the slot back if `holder` has it (another holder's slot is left alone). */
  release(startMs: number, holder: string): Promise<void>;
  /** Removes slots starting before `beforeMs`. */
  prune(beforeMs: number): Promise<void>;
}

export function timeSlotClaims(index: OrderedIndex, set: string, label: string): TimeSlotClaims {
  if (!/^[a-z]+$/.test(label)) throw new TypeError('A slot label is lowercase letters.');
  const member = (startMs: number) => sortKey(startMs, label);
  return {
    async claim(startMs, holder) {
      const m = member(startMs);
      if (await index.addIfAbsent(set, m, holder)) return true;
      return (await index.memberValue(set, m)) === holder;
    },
    async release(startMs, holder) {
      const m = member(startMs);
      // Nobody else can claim a slot that exists, so checking and then removing cannot race.
      if ((await index.memberValue(set, m)) === holder) await index.update({ remove: [{ set, member: m }] });
    },
    async prune(beforeMs) {
      const old = await index.range(set, {
        below: timePrefix(Math.max(0, beforeMs)),
        limit: PRUNE_PAGE,
        order: 'asc',
      });
      if (old.length > 0) await index.update({ remove: old.map((m) => ({ set, member: m })) });
    },
  };
}
