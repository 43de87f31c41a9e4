import { groupBySet, type IndexRange, type IndexUpdate, type OrderedIndex } from './ordered-index.js';

// Plain JS string comparison is UTF-16 code unit order, which matches the byte order of the other
// backends for every member Hookdesk writes (ASCII sort keys, URI-encoded ids).
function lowerBound(items: string[], value: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (items[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Sorted arrays per set; the in-memory counterpart of the Keyv `Map` store. */
export class MemoryOrderedIndex implements OrderedIndex {
  readonly #sets = new Map<string, string[]>();
  /** Values of the members `addIfAbsent` gave one, per set. */
  readonly #values = new Map<string, Map<string, string>>();

  async update({ add = [], remove = [] }: IndexUpdate): Promise<void> {
    for (const [set, members] of groupBySet(remove)) {
      const items = this.#sets.get(set);
      if (!items) continue;
      const values = this.#values.get(set);
      for (const member of members) {
        const at = lowerBound(items, member);
        if (items[at] === member) items.splice(at, 1);
        values?.delete(member);
      }
      if (values?.size === 0) this.#values.delete(set);
    }
    for (const [set, members] of groupBySet(add)) {
      let items = this.#sets.get(set);
      if (!items) {
        items = [];
        this.#sets.set(set, items);
      }
      for (const member of members) {
        const at = lowerBound(items, member);
        if (items[at] !== member) items.splice(at, 0, member);
      }
    }
  }

  async addIfAbsent(set: string, member: string, value?: string): Promise<boolean> {
    let items = this.#sets.get(set);
    if (!items) {
      items = [];
      this.#sets.set(set, items);
    }
    const at = lowerBound(items, member);
    if (items[at] === member) return false;
    items.splice(at, 0, member);
    if (value !== undefined) {
      let values = this.#values.get(set);
      if (!values) {
        values = new Map();
        this.#values.set(set, values);
      }
      values.set(member, value);
    }
    return true;
  }

  async memberValue(set: string, member: string): Promise<string | undefined> {
    return this.#values.get(set)?.get(member);
  }

  async range(set: string, { from, below, limit, order }: IndexRange): Promise<string[]> {
    const items = this.#sets.get(set) ?? [];
    const start = from === undefined ? 0 : lowerBound(items, from);
    const end = below === undefined ? items.length : lowerBound(items, below);
    if (end <= start) return [];
    return order === 'asc'
      ? items.slice(start, Math.min(end, start + limit))
      : items.slice(Math.max(start, end - limit), end).reverse();
  }

  async count(set: string): Promise<number> {
    return this.#sets.get(set)?.length ?? 0;
  }

  async close(): Promise<void> {}
}

const byStore = new WeakMap<object, MemoryOrderedIndex>();

/** One index per in-memory store object, so two storages over one `Map` see the same sets. */
export function memoryIndexFor(store: object): MemoryOrderedIndex {
  let index = byStore.get(store);
  if (!index) {
    index = new MemoryOrderedIndex();
    byStore.set(store, index);
  }
  return index;
}
