import { isDeepStrictEqual } from 'node:util';
import type { Ticket, TicketChanges } from './events.js';

/**
 * `{ field: { old, new } }` for each top-level field whose value differs between the two tickets
 * (a field present on one side only counts, with `null` for the missing side).
 */
export function computeChanges(previous: Ticket, current: Ticket): TicketChanges {
  const changes: TicketChanges = {};
  const fields = new Set([...Object.keys(previous), ...Object.keys(current)]);
  for (const field of fields) {
    const before = previous[field];
    const after = current[field];
    if (!isDeepStrictEqual(before, after)) changes[field] = { old: before ?? null, new: after ?? null };
  }
  return changes;
}
