// Storage writes per delivery: a counting wrapper around the store's Keyv instance and its
// ordered index, the two things every repository writes through. One record or one index member
// written or removed counts as one write, whatever the backend batches into a commit.
import type { Hookdesk } from '@hookdesk/core';
import type { HookdeskStorage } from '@hookdesk/storage';
import { TICKET } from './loopback.js';

export interface WriteCounter {
  readonly total: number;
  /** Writes by what they touched: a record's key kind or an index set's first segment. */
  readonly byKind: ReadonlyMap<string, number>;
  reset(): void;
}

export function countWrites(storage: HookdeskStorage): WriteCounter {
  const byKind = new Map<string, number>();
  let total = 0;
  const note = (kind: string, n = 1) => {
    total += n;
    byKind.set(kind, (byKind.get(kind) ?? 0) + n);
  };
  const recordKind = (key: string) => `record ${key.split(':').at(-2) ?? key}`;
  const setKind = (set: string) => `index ${set.split(':')[0]}`;
  const keyv = storage.keyv as unknown as Record<string, (...args: never[]) => Promise<unknown>>;
  const wrap = (name: string, count: (args: unknown[]) => void) => {
    const original = keyv[name]?.bind(keyv) as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!original) return;
    keyv[name] = ((...args: unknown[]) => {
      count(args);
      return original(...args);
    }) as never;
  };
  wrap('set', ([key]) => note(recordKind(String(key))));
  wrap('setMany', ([entries]) => {
    for (const { key } of entries as { key: string }[]) note(recordKind(key));
  });
  wrap('delete', ([key]) => note(`${recordKind(String(key))} (removed)`));
  wrap('deleteMany', ([keys]) => {
    for (const key of keys as string[]) note(`${recordKind(key)} (removed)`);
  });
  const index = storage.index as { -readonly [K in keyof typeof storage.index]: (typeof storage.index)[K] };
  const update = index.update.bind(index);
  index.update = (change) => {
    for (const { set } of change.add ?? []) note(setKind(set));
    for (const { set } of change.remove ?? []) note(`${setKind(set)} (removed)`);
    return update(change);
  };
  const addIfAbsent = index.addIfAbsent.bind(index);
  index.addIfAbsent = (set, member, value) => {
    note(setKind(set));
    return addIfAbsent(set, member, value);
  };
  return {
    get total() {
      return total;
    },
    byKind,
    reset() {
      total = 0;
      byKind.clear();
    },
  };
}

/**
 * Storage writes per successful single-attempt delivery: `events` ticket.created events to one
 * webhook, counted from the call until every delivery has settled and the store has been quiet
 * for a moment (health and queue bookkeeping land after the receiver answers).
 */
export async function writesPerDelivery(hookdesk: Hookdesk, counter: WriteCounter, events = 500) {
  let settled = 0;
  const onSettled = () => {
    settled++;
  };
  hookdesk.on('delivery.succeeded', onSettled);
  try {
    await hookdesk.ticketCreated({ ...TICKET, id: -1 });
    await quiet(counter, () => settled >= 1);
    settled = 0;
    counter.reset();
    for (let i = 0; i < events; i++) await hookdesk.ticketCreated({ ...TICKET, id: 2_000_000 + i });
    await quiet(counter, () => settled >= events);
    const kinds = [...counter.byKind].sort((a, b) => b[1] - a[1]);
    return {
      perDelivery: counter.total / events,
      kinds: kinds.map(([kind, n]) => `${kind} ${(n / events).toFixed(1)}`).join(', '),
    };
  } finally {
    hookdesk.off('delivery.succeeded', onSettled);
  }
}

/** Resolves once `done()` holds and no write has happened for 100 ms (bounded at 30 s). */
async function quiet(counter: WriteCounter, done: () => boolean) {
  const deadline = Date.now() + 30_000;
  let last = -1;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (done() && counter.total === last) return;
    last = counter.total;
  }
  throw new Error('writesPerDelivery: deliveries did not settle within 30 s.');
}
