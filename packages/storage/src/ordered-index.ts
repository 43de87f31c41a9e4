import { storageFailure } from './errors.js';

/** One member of one ordered set. */
export interface IndexEntry {
  set: string;
  member: string;
}

/** Changes applied together, in as few round trips as the backend allows. */
export interface IndexUpdate {
  add?: readonly IndexEntry[];
  remove?: readonly IndexEntry[];
}

/** Members `m` with `from <= m < below` (byte order), at most `limit`, in `order`. */
export interface IndexRange {
  /** Inclusive lower bound; none when absent. */
  from?: string;
  /** Exclusive upper bound; none when absent. */
  below?: string;
  limit: number;
  order: 'asc' | 'desc';
}

/**
 * Named sets of strings kept in byte order, the one structure listing needs besides key/value:
 * a page is a bounded range read, never a scan. Each backend uses its own ordered structure
 * (lmdb keys, Redis sorted sets, a PostgreSQL btree, a sorted array in memory). Adding a member
 * that exists or removing one that does not is a no-op, and both are atomic per member, so
 * several processes can append to one set without read-modify-write races.
 */
export interface OrderedIndex {
  /**
   * True when index writes issued in the same event-loop turn as Keyv store writes commit in
   * one transaction with them (the embedded store): record and index entries then go together.
   */
  readonly sharesStoreCommits?: boolean;
  update(update: IndexUpdate): Promise<void>;
  /**
   * Adds `member` to `set` unless it is there, as one atomic step across processes (Redis
   * `ZADD NX`, PostgreSQL `ON CONFLICT DO NOTHING`, an lmdb write-transaction check): `true` when
   * this call added it. Of several callers racing for one member exactly one gets `true`, so it
   * serves as a claim (smart rules fire once per ticket across processes with it).
   *
   * `value` (a non-empty string) is stored with the member in the same atomic step, only when this
   * call added it: the claim's owner, read back with `memberValue`. Removing the member drops it.
   * Members that carry a value are written by `addIfAbsent` only: `update`'s `add` is for plain
   * members, and on the embedded store it would clear a value.
   */
  addIfAbsent(set: string, member: string, value?: string): Promise<boolean>;
  /** The value `addIfAbsent` stored with `member`; `undefined` when the member is absent or has none. */
  memberValue(set: string, member: string): Promise<string | undefined>;
  range(set: string, range: IndexRange): Promise<string[]>;
  count(set: string): Promise<number>;
  /** Releases what the index itself opened (not the Keyv store it may share). */
  close(): Promise<void>;
}

/**
 * The two writes of one change, e.g. a record and its index entries. Where the index commits with
 * the store (`sharesStoreCommits`) they are issued together: one transaction, one disk flush, all
 * or nothing. Elsewhere `first` completes before `second` starts, so a crash in between leaves only
 * what `first` alone makes safe (each caller orders its writes that way and says why).
 */
export async function writeInOrder(
  index: OrderedIndex,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
): Promise<void> {
  if (index.sharesStoreCommits) {
    await Promise.all([first(), second()]);
    return;
  }
  await first();
  await second();
}

/** Groups entries by set, keeping their order, for backends that write one set per command. */
export function groupBySet(entries: readonly IndexEntry[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { set, member } of entries) {
    const members = groups.get(set);
    if (members) members.push(member);
    else groups.set(set, [member]);
  }
  return groups;
}

/** The same index with every set name prefixed, so namespaces sharing a backend stay apart. */
export function prefixedIndex(index: OrderedIndex, prefix: string): OrderedIndex {
  const entries = (list: readonly IndexEntry[] | undefined) =>
    list?.map(({ set, member }) => ({ set: prefix + set, member }));
  return {
    sharesStoreCommits: index.sharesStoreCommits,
    update: ({ add, remove }) => index.update({ add: entries(add), remove: entries(remove) }),
    addIfAbsent: (set, member, value) => {
      if (typeof index.addIfAbsent !== 'function') {
        throw new TypeError(
          '`index` has no addIfAbsent(set, member, value): implement it as an atomic add-if-absent (see OrderedIndex).',
        );
      }
      return index.addIfAbsent(prefix + set, member, value);
    },
    memberValue: (set, member) => {
      if (typeof index.memberValue !== 'function') {
        throw new TypeError(
          '`index` has no memberValue(set, member): implement it to read what addIfAbsent stored (see OrderedIndex).',
        );
      }
      return index.memberValue(prefix + set, member);
    },
    range: (set, range) => index.range(prefix + set, range),
    count: (set) => index.count(prefix + set),
    close: () => index.close(),
  };
}

/** The same index with every backend error turned into a `StorageError` that names `backend`. */
export function guardedIndex(index: OrderedIndex, backend: string): OrderedIndex {
  const guard = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw storageFailure(backend, operation, error);
    }
  };
  return {
    sharesStoreCommits: index.sharesStoreCommits,
    update: (update) => guard('updating the log/queue index', () => index.update(update)),
    addIfAbsent: (set, member, value) =>
      guard(`claiming a member of index "${set}"`, () => index.addIfAbsent(set, member, value)),
    memberValue: (set, member) =>
      guard(`reading a member's value in index "${set}"`, () => index.memberValue(set, member)),
    range: (set, range) => guard(`reading index "${set}"`, () => index.range(set, range)),
    count: (set) => guard(`counting index "${set}"`, () => index.count(set)),
    close: () => index.close(),
  };
}
