import type { InternalQueueRepository } from './delivery-queue-repository.js';
import { deliveryStats, isSettled, type Settle, settleOfCreated } from './delivery-stats.js';
import { CorruptRecordError, RecordNotFoundError } from './errors.js';
import { decodeCursor, encodeCursor } from './log-cursor.js';
import { indexRepairOf } from './log-index-repair.js';
import {
  deliverySets,
  everySetOf,
  indexStateOf,
  matchesFilter,
  memberOf,
  moveBetween,
  planLogQuery,
  WHOLE_LOG_SETS,
} from './log-query.js';
import { mergedRange } from './merged-range.js';
import { type IndexEntry, type OrderedIndex, writeInOrder } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import {
  DELIVERY_STATUSES,
  type DeliveryAttempt,
  type DeliveryRecord,
  type DeliveryStatus,
  type DeliverySummary,
  type LogFilter,
  type LogPage,
  type LogPageRequest,
} from './records.js';
import type { AttemptOutcome, DeliveryLogRepository } from './repositories.js';
import { attemptSchema, deliverySchema, deliveryStatusSchema } from './schemas.js';
import { isoToMs, parseSortKey, timePrefix } from './sort-key.js';
import { LOG_INDEX_STATES, type LogIndexState, STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

/** `limit` when the request has none (docs/admin-api.md). */
export const DEFAULT_LOG_PAGE_SIZE = 50;
/** The largest `limit` a page may have (docs/admin-api.md). */
export const MAX_LOG_PAGE_SIZE = 500;
/** Entries read per batch when purging. */
const PURGE_BATCH = 500;

export interface InternalLogRepository extends DeliveryLogRepository {
  /** Purges what is older than the retention period at `now` (default: the storage clock). */
  purgeExpired(now?: number): Promise<number>;
}

function summarize(record: DeliveryRecord): DeliverySummary {
  const {
    body: _body,
    headers: _headers,
    signature: _signature,
    attempts: _attempts,
    error: _error,
    bodyTooLarge: _bodyTooLarge,
    ...summary
  } = record;
  return summary;
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LOG_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`\`limit\` must be a whole number from 1 to ${MAX_LOG_PAGE_SIZE}, got ${limit}.`);
  }
  return Math.min(limit, MAX_LOG_PAGE_SIZE);
}

/** The entries a delivery in `state` has; a new pending one's `pending` entry queues it. */
function entriesFor(record: DeliveryRecord, state: LogIndexState): IndexEntry[] {
  const member = memberOf(record);
  return deliverySets(record, state).map((set) => ({ set, member }));
}

/** The `window` of `recentStatuses` when checked: a whole number from 1 to a page's size. */
function statusWindow(window: number): number {
  if (!Number.isInteger(window) || window < 1 || window > MAX_LOG_PAGE_SIZE) {
    throw new TypeError(`\`window\` must be a whole number from 1 to ${MAX_LOG_PAGE_SIZE}, got ${window}.`);
  }
  return window;
}

/**
 * The delivery log: a record per uuid under `delivery:<uuid>`, and its sort key
 * `<createdAt ms>:<uuid>` in one set per dimension (event, webhook, rule; see `log-query.ts`).
 * A page merges the ranges of a few sets and reads the records they name: O(limit) for the
 * filters the index covers, whatever the size of the log. Each settle is counted in its hour's
 * stats sets in the same index update (`delivery-stats.ts`).
 */
export function deliveryLogRepository(
  records: RecordStore,
  index: OrderedIndex,
  queue: InternalQueueRepository,
  retention: { ms: number; clock: () => number },
): InternalLogRepository {
  const stats = deliveryStats(index);

  async function load(uuid: string): Promise<DeliveryRecord> {
    const record = (await records.read(STORAGE_KEYS.delivery(uuid), deliverySchema)) as
      | DeliveryRecord
      | undefined;
    if (!record) throw new RecordNotFoundError(`Delivery ${uuid}`);
    return record;
  }

  /** Moves a delivery to the outcome, appending `attempt` when there is one (`setStatus`: none). */
  async function transition(
    uuid: string,
    outcome: AttemptOutcome,
    attempt: DeliveryAttempt | null,
    current?: DeliveryRecord,
  ): Promise<DeliveryRecord> {
    validInput(deliveryStatusSchema, outcome.status, 'delivery status');
    const settledAt = outcome.settledAt === undefined ? undefined : isoToMs(outcome.settledAt, 'settledAt');
    if (current !== undefined && current.uuid !== uuid) {
      throw new TypeError(`\`current\` is delivery ${current.uuid}, not ${uuid}.`);
    }
    const before = current ?? (await load(uuid));
    const after: DeliveryRecord = {
      ...before,
      status: outcome.status,
      nextAttemptAt: outcome.nextAttemptAt,
      headers: outcome.headers ?? before.headers,
      signature: outcome.signature ?? before.signature,
      url: outcome.url ?? before.url,
    };
    if (attempt !== null) {
      after.attempts = [...before.attempts, attempt];
      after.attemptCount = before.attemptCount + 1;
      after.lastAttemptAt = attempt.at;
      after.lastStatusCode = attempt.statusCode;
    }
    // Why it failed unsent holds until a resend clears it; an attempt has its own `error` instead.
    const error = attempt === null ? outcome.error : null;
    if (typeof error === 'string') after.error = error;
    else if (error === null) delete after.error;
    validInput(deliverySchema, after, 'delivery');
    const writeRecord = () => records.write([{ key: STORAGE_KEYS.delivery(uuid), value: after }]);
    // Moving on from pending always means the queue holds the next attempt (`scheduled`).
    const from = indexStateOf(before);
    const to = after.status === 'pending' ? 'scheduled' : after.status;
    if (from === to) {
      await writeRecord();
      return after;
    }
    const { add, remove } = moveBetween(after, from, to);
    // Leaving pending (or changing outcome) is a settle: counted in its hour, same update.
    if (isSettled(to)) {
      const settle: Settle =
        attempt !== null
          ? { status: to, atMs: Date.parse(attempt.at), attempt: attempt.number, unsent: false }
          : { status: to, atMs: settledAt ?? retention.clock(), attempt: after.attemptCount, unsent: true };
      add.push(...stats.entries(after, settle));
    }
    // Readers check the record's status, so a moment when the sets disagree with it is harmless;
    // the queue repairs a first-attempt entry a crash left behind (`log-queued-entries.ts`).
    await writeInOrder(index, writeRecord, () => index.update({ add, remove }));
    stats.written(add);
    return after;
  }

  async function list(request: LogPageRequest): Promise<LogPage> {
    const limit = pageLimit(request.limit);
    const plan = planLogQuery(request);
    const from = request.since === undefined ? undefined : timePrefix(isoToMs(request.since, 'since'));
    let below = request.until === undefined ? undefined : timePrefix(isoToMs(request.until, 'until'));
    // An empty cursor (`?cursor=`) means the first page, like none.
    if (request.cursor != null && request.cursor !== '') {
      const after = decodeCursor(request.cursor);
      if (below === undefined || after < below) below = after;
    }
    // An inexact plan filters on the records; it stops after this many index entries with a
    // partial page and a cursor, so one request never walks a whole log.
    const budget = plan.exact ? Number.POSITIVE_INFINITY : Math.max(limit * 20, 2_000);
    const items: DeliverySummary[] = [];
    let last: string | undefined;
    let scanned = 0;
    for (;;) {
      const want = plan.exact ? limit + 1 - items.length : Math.min(Math.max(limit * 2, 100), 1_000);
      const members = await mergedRange(index, plan.sets, { from, below, limit: want, order: 'desc' });
      const uuids = members.map((member) => parseSortKey(member)?.id ?? '');
      const found = await records.readMany(uuids.map(STORAGE_KEYS.delivery), deliverySchema);
      for (let at = 0; at < members.length; at++) {
        const record = found[at] as DeliveryRecord | undefined;
        scanned += 1;
        // No record: purged (or being purged) since the range was read.
        if (!record || !matchesFilter(record, request)) continue;
        if (items.length === limit) return { items, nextCursor: encodeCursor(last!) };
        items.push(summarize(record));
        last = members[at];
      }
      if (members.length < want) return { items, nextCursor: null };
      below = members[members.length - 1];
      if (scanned >= budget) return { items, nextCursor: encodeCursor(below!) };
    }
  }

  async function purgeDeliveries(before: number): Promise<number> {
    const below = timePrefix(Math.max(0, Math.floor(before)));
    let purged = 0;
    for (;;) {
      const members = await mergedRange(index, WHOLE_LOG_SETS, { below, limit: PURGE_BATCH, order: 'asc' });
      if (members.length === 0) return purged;
      const uuids = members.map((member) => parseSortKey(member)?.id ?? '');
      const found = await records.readManySettled(uuids.map(STORAGE_KEYS.delivery), deliverySchema);
      const remove: IndexEntry[] = [];
      members.forEach((member, at) => {
        const record = found[at];
        // Every set it could be in, so an entry a crash left behind goes too. Without a readable
        // record its webhook and rule sets are unknown; those entries stay behind and listing
        // skips them (no record).
        const known = record && !(record instanceof CorruptRecordError) ? (record as DeliveryRecord) : {};
        remove.push(...everySetOf(known).map((set) => ({ set, member })));
      });
      // Index entries first: a crash midway leaves unlisted records, never listed ghosts.
      await queue.forget(uuids);
      await index.update({ remove });
      await records.removeMany(uuids.map(STORAGE_KEYS.delivery));
      purged += members.length;
    }
  }

  /** The deliveries, then the stats of the hours that ended by then: both follow the retention. */
  async function purge(before: number): Promise<number> {
    const purged = await purgeDeliveries(before);
    await stats.prune(before);
    return purged;
  }

  async function recentStatuses(
    filter: { webhookId: string } | { ruleId: string },
    window: number,
  ): Promise<Record<DeliveryStatus, number>> {
    statusWindow(window);
    const webhookId = (filter as { webhookId?: unknown })?.webhookId;
    const ruleId = (filter as { ruleId?: unknown })?.ruleId;
    if ((typeof webhookId === 'string') === (typeof ruleId === 'string')) {
      throw new TypeError('`recentStatuses` takes { webhookId } or { ruleId }, one of them.');
    }
    const sets = planLogQuery(
      typeof webhookId === 'string' ? { webhookId } : { ruleId: ruleId as string },
    ).sets;
    // The status sets hold sort keys, newest last: the newest `window` of each, merged, are the
    // newest `window` deliveries, each with the status its set says. No record is read.
    const ranges = await Promise.all(sets.map((set) => index.range(set, { limit: window, order: 'desc' })));
    const tagged = ranges.flatMap((members, at) =>
      members.map((member) => ({ member, status: DELIVERY_STATUSES[at]! })),
    );
    tagged.sort((a, b) => (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
    const counts: Record<DeliveryStatus, number> = { pending: 0, succeeded: 0, failed: 0 };
    let seen = 0;
    let last: string | undefined;
    for (const { member, status } of tagged) {
      // In two sets: a move in progress; counted once.
      if (member === last) continue;
      last = member;
      counts[status] += 1;
      if (++seen === window) break;
    }
    return counts;
  }

  return {
    async create(list) {
      if (list.length === 0) return;
      for (const record of list) validInput(deliverySchema, record, 'delivery');
      const writeRecords = () =>
        records.write(list.map((record) => ({ key: STORAGE_KEYS.delivery(record.uuid), value: record })));
      const add = list.flatMap((record) => entriesFor(record, indexStateOf(record)));
      // One recorded settled already (failed unsent) counts as it is created.
      for (const record of list) {
        const settle = settleOfCreated(record);
        if (settle) add.push(...stats.entries(record, settle));
      }
      // Records before index entries: a crash in between leaves unlisted records, never entries
      // without a record.
      await writeInOrder(index, writeRecords, () => index.update({ add }));
      stats.written(add);
    },

    async get(uuid) {
      return (await records.read(STORAGE_KEYS.delivery(uuid), deliverySchema)) as DeliveryRecord | undefined;
    },

    async recordAttempt(uuid, attempt, outcome, current) {
      validInput(attemptSchema, attempt, 'delivery attempt');
      return transition(uuid, outcome, attempt, current);
    },

    setStatus: (uuid, outcome) => transition(uuid, outcome, null),

    async reindex(record) {
      const { add, remove } = indexRepairOf(record, LOG_INDEX_STATES);
      if (add.length > 0 || remove.length > 0) await index.update({ add, remove });
    },

    list,

    async uuids(filter: LogFilter, max: number) {
      const found: string[] = [];
      let cursor: string | null = null;
      while (found.length < max) {
        const page = await list({
          ...filter,
          limit: Math.min(MAX_LOG_PAGE_SIZE, max - found.length),
          cursor,
        });
        found.push(...page.items.map((item) => item.uuid));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      return found;
    },

    purge,

    purgeExpired: (now = retention.clock()) => purge(now - retention.ms),

    stats: (request) => stats.count(request),

    recentStatuses,
  };
}
