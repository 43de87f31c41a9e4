import type { Database, RootDatabase } from 'lmdb';
import { groupBySet, type IndexRange, type IndexUpdate, type OrderedIndex } from './ordered-index.js';

// Keys are `<set> <member>`: a space sorts below every character a set name may hold (names are
// built from encodeURIComponent'd parts and a namespace without spaces or control characters), so
// one set's keys are the contiguous range [`<set> `, `<set>!`). Not a control character: lmdb's
// ordered-binary key encoding reads a long key holding \u0001 back as an array, not a string.
const SEPARATOR = ' ';
const AFTER_SEPARATOR = '!';
const EMPTY = Buffer.alloc(0);

/** Ordered sets as keys of a database in the embedded store's lmdb environment. */
export class LmdbOrderedIndex implements OrderedIndex {
  readonly sharesStoreCommits = true;
  readonly #db: Database<Buffer, string>;

  constructor(root: RootDatabase) {
    this.#db = root.openDB<Buffer, string>({ name: 'hookdesk-index', encoding: 'binary' });
  }

  async update({ add = [], remove = [] }: IndexUpdate): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    // lmdb-js commits every write issued in one event turn in one transaction, so these are
    // atomic together, and share the commit of whatever else was written in the same turn.
    const writes: Promise<boolean>[] = [];
    for (const [set, members] of groupBySet(remove)) {
      for (const member of members) writes.push(this.#db.remove(set + SEPARATOR + member));
    }
    for (const [set, members] of groupBySet(add)) {
      for (const member of members) writes.push(this.#db.put(set + SEPARATOR + member, EMPTY));
    }
    await Promise.all(writes);
  }

  async addIfAbsent(set: string, member: string, value?: string): Promise<boolean> {
    const key = set + SEPARATOR + member;
    // The existence check runs inside lmdb's write transaction, which holds the environment's
    // single-writer lock across processes; it resolves `true` only when the put ran. The value is
    // the key's data, so it is written by that same put.
    const data = value === undefined ? EMPTY : Buffer.from(value, 'utf8');
    return this.#db.ifNoExists(key, () => {
      this.#db.put(key, data);
    });
  }

  async memberValue(set: string, member: string): Promise<string | undefined> {
    const data = this.#db.get(set + SEPARATOR + member);
    return data === undefined || data.length === 0 ? undefined : data.toString('utf8');
  }

  async range(set: string, { from, below, limit, order }: IndexRange): Promise<string[]> {
    const low = set + SEPARATOR + (from ?? '');
    const high = below === undefined ? set + AFTER_SEPARATOR : set + SEPARATOR + below;
    // lmdb ranges include `start` and exclude `end`; in reverse, `start` is the high end, and the
    // high bound must stay exclusive, so the range starts at it and skips it if present.
    const options =
      order === 'asc'
        ? { start: low, end: high, limit }
        : { start: high, end: low, reverse: true, limit: limit + 1 };
    const prefix = set.length + 1;
    const members: string[] = [];
    for (const key of this.#db.getKeys(options)) {
      if (order === 'desc' && key === high) continue;
      if (members.length === limit) break;
      members.push(key.slice(prefix));
    }
    // In reverse `end` (the low bound) is exclusive, but `from` is inclusive.
    if (order === 'desc' && members.length < limit && from !== undefined && this.#db.doesExist(low)) {
      members.push(from);
    }
    return members;
  }

  async count(set: string): Promise<number> {
    return this.#db.getKeysCount({ start: set + SEPARATOR, end: set + AFTER_SEPARATOR });
  }

  async close(): Promise<void> {}
}
