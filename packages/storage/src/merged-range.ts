import type { IndexRange, OrderedIndex } from './ordered-index.js';

/**
 * One range over several sets as if they were one: each set's first `limit` members in the range,
 * merged in `order`, a member in two sets (a move in progress) once, the first `limit` of them.
 * That is exactly the first `limit` of the union, so a caller pages through it as through one set.
 */
export async function mergedRange(
  index: OrderedIndex,
  sets: readonly string[],
  range: IndexRange,
): Promise<string[]> {
  if (sets.length === 1) return index.range(sets[0]!, range);
  const parts = await Promise.all(sets.map((set) => index.range(set, range)));
  const all = parts.flat().sort();
  if (range.order === 'desc') all.reverse();
  const merged: string[] = [];
  for (const member of all) {
    if (merged[merged.length - 1] !== member) merged.push(member);
    if (merged.length === range.limit) break;
  }
  return merged;
}
