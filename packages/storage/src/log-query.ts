import { EVENT_TYPES } from '@hookdesk/wire';
import type { IndexEntry } from './ordered-index.js';
import { DELIVERY_STATUSES, type DeliveryRecord, type DeliveryStatus, type LogFilter } from './records.js';
import { sortKey } from './sort-key.js';
import { INDEX_SETS, LOG_INDEX_STATES, type LogIndexState } from './storage-keys.js';

type Membership = Pick<DeliveryRecord, 'webhookId' | 'ruleId' | 'event'>;

/**
 * True while a pending delivery is as `log.create` wrote it: no attempt, its next attempt still
 * the creation time. Its log entry is then its queue entry (state `pending`). Every delivery in
 * that state passes; one a resend moved within the millisecond of its creation passes too, and
 * leaves at most a stray listing entry behind, which readers skip (they check the record).
 */
export function queuedByLog(
  record: Pick<DeliveryRecord, 'status' | 'attemptCount' | 'nextAttemptAt' | 'createdAt'>,
): boolean {
  return (
    record.status === 'pending' && record.attemptCount === 0 && record.nextAttemptAt === record.createdAt
  );
}

/** The index state of a stored record. */
export function indexStateOf(record: DeliveryRecord): LogIndexState {
  if (record.status !== 'pending') return record.status;
  return queuedByLog(record) ? 'pending' : 'scheduled';
}

const statusOf = (state: LogIndexState): DeliveryStatus => (state === 'scheduled' ? 'pending' : state);

/** The index states a status is kept under. */
export function statesOf(status: DeliveryStatus): LogIndexState[] {
  return status === 'pending' ? ['pending', 'scheduled'] : [status];
}

/**
 * The sets a delivery in `state` belongs to: one of its event's (which together make the whole
 * log and, for `pending`, the queue of first attempts), and its webhook's and rule's set for the
 * status. Every listing filter reads a few of these and merges them (`planLogQuery`), so a
 * delivery costs one entry per dimension, moved when its status changes.
 */
export function deliverySets(record: Membership, state: LogIndexState): string[] {
  const status = statusOf(state);
  const sets = [INDEX_SETS.logEvent(record.event, state)];
  if (record.webhookId !== null) sets.push(INDEX_SETS.logWebhookStatus(record.webhookId, status));
  if (record.ruleId !== null) sets.push(INDEX_SETS.logRuleStatus(record.ruleId, status));
  return sets;
}

/** A delivery's member in every set it is in: `<createdAt ms>:<uuid>`. */
export function memberOf(record: Pick<DeliveryRecord, 'createdAt' | 'uuid'>): string {
  return sortKey(Date.parse(record.createdAt), record.uuid);
}

/** What changes when a delivery goes from one state to another: only the sets that differ. */
export function moveBetween(
  record: Membership & Pick<DeliveryRecord, 'createdAt' | 'uuid'>,
  from: LogIndexState,
  to: LogIndexState,
): { add: IndexEntry[]; remove: IndexEntry[] } {
  const member = memberOf(record);
  const before = deliverySets(record, from);
  const after = deliverySets(record, to);
  return {
    add: after.filter((set) => !before.includes(set)).map((set) => ({ set, member })),
    remove: before.filter((set) => !after.includes(set)).map((set) => ({ set, member })),
  };
}

/** Every set a delivery could be in, whatever its state: what purging it removes. */
export function everySetOf(record: Partial<Membership>): string[] {
  const events = record.event === undefined ? EVENT_TYPES : [record.event];
  const sets = events.flatMap((event) => LOG_INDEX_STATES.map((state) => INDEX_SETS.logEvent(event, state)));
  const { webhookId, ruleId } = record;
  if (webhookId != null)
    sets.push(...DELIVERY_STATUSES.map((s) => INDEX_SETS.logWebhookStatus(webhookId, s)));
  if (ruleId != null) sets.push(...DELIVERY_STATUSES.map((s) => INDEX_SETS.logRuleStatus(ruleId, s)));
  return sets;
}

/** The sets of the first attempts the log itself queues, one per event. */
export const LOG_QUEUED_SETS: readonly string[] = EVENT_TYPES.map((event) =>
  INDEX_SETS.logEvent(event, 'pending'),
);

/** Every event set: the whole log. */
export const WHOLE_LOG_SETS: readonly string[] = EVENT_TYPES.flatMap((event) =>
  LOG_INDEX_STATES.map((state) => INDEX_SETS.logEvent(event, state)),
);

export interface LogPlan {
  /** The sets to walk together, newest first (a merge of their ranges). */
  sets: string[];
  /** True when every entry of the sets matches the filter: no reads are wasted. */
  exact: boolean;
}

/**
 * Which sets to walk for a filter. Event × status and webhook × status and rule × status are
 * exact: the merge of a few sets (at most 16, for no filter at all), so a page costs O(limit)
 * whatever the size of the log. Any other combination walks the webhook's or the rule's sets and
 * filters the rest on the records, so its cost grows with how rare the other fields are there.
 */
export function planLogQuery(filter: LogFilter): LogPlan {
  const { status, webhookId, ruleId, event } = filter;
  const statuses = status === undefined ? DELIVERY_STATUSES : [status];
  if (webhookId !== undefined) {
    return {
      sets: statuses.map((s) => INDEX_SETS.logWebhookStatus(webhookId, s)),
      exact: ruleId === undefined && event === undefined,
    };
  }
  if (ruleId !== undefined) {
    return {
      sets: statuses.map((s) => INDEX_SETS.logRuleStatus(ruleId, s)),
      exact: event === undefined,
    };
  }
  const events = event === undefined ? EVENT_TYPES : [event];
  const states = statuses.flatMap(statesOf);
  return { sets: events.flatMap((e) => states.map((state) => INDEX_SETS.logEvent(e, state))), exact: true };
}

/** Whether a record matches the filter's fields (time bounds are applied as ranges). */
export function matchesFilter(record: DeliveryRecord, filter: LogFilter): boolean {
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.webhookId === undefined || record.webhookId === filter.webhookId) &&
    (filter.ruleId === undefined || record.ruleId === filter.ruleId) &&
    (filter.event === undefined || record.event === filter.event)
  );
}
