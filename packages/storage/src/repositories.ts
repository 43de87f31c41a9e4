import type { Keyv } from 'keyv';
import type { OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type {
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryStatsBucket,
  DeliveryStatsRequest,
  DeliveryStatus,
  LogFilter,
  LogPage,
  LogPageRequest,
  QueuedDelivery,
  SettingsRecord,
  WebhookDeliveryHealth,
  WebhookRecord,
} from './records.js';

/**
 * Every method rejects with a `StorageError` when the store is unreachable and with a
 * `CorruptRecordError` (naming the key) when a stored value fails validation; "not found" is
 * only ever `undefined`, never an outage in disguise.
 */
export interface SettingsRepository {
  /** The settings, or `undefined` before the first `put`. */
  get(): Promise<SettingsRecord | undefined>;
  put(settings: SettingsRecord): Promise<void>;
  /**
   * First start: stores `candidate` unless another caller, in any process, got there first, and
   * returns the settings that won. Of several processes starting at once on one store, all end up
   * with the same account key (the backend's atomic add-if-absent decides), never one each.
   */
  initialize(candidate: SettingsRecord): Promise<SettingsRecord>;
}

export interface EntityRepository<T extends { id: string }> {
  /** Every record, oldest `createdAt` first. */
  list(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  /** Creates or replaces. */
  put(record: T): Promise<void>;
  /** `false` when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
}

export interface WebhookRepository extends EntityRepository<WebhookRecord> {
  /**
   * Writes only the delivery health of webhook `id` (`lastSuccessAt`, `lastFailureAt`,
   * `failingSince`), never its other fields, so the delivery bookkeeping of one process cannot
   * undo an admin's edit made in another. `get` and `list` show the latest health; `put` replaces
   * the record, health included; `delete` removes both.
   */
  recordHealth(id: string, health: WebhookDeliveryHealth): Promise<void>;
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  /** ISO 8601 of the next scheduled attempt, or `null` when none is. */
  nextAttemptAt: string | null;
  /** Headers the attempt was sent with. */
  headers?: Record<string, string>;
  signature?: string;
  /** The URL the attempt went to, when it is not the one recorded (the target was edited since). */
  url?: string;
  /**
   * `setStatus` only: why the delivery fails without an attempt (`DeliveryRecord.error`); `null`
   * removes it (a resend), absent keeps it. An attempt always removes it.
   */
  error?: string | null;
  /**
   * `setStatus` to `succeeded` or `failed` only: when the delivery settled, ISO 8601, for the hour
   * `stats` counts it in. Default: the storage's `clock`. An attempt counts at its own `at`.
   */
  settledAt?: string;
}

export interface DeliveryLogRepository {
  /**
   * Durably records new deliveries with their index entries, in one go: `pending` ones, and
   * `failed` ones with an `error` for events that could not be sent at all.
   */
  create(records: readonly DeliveryRecord[]): Promise<void>;
  get(uuid: string): Promise<DeliveryRecord | undefined>;
  /**
   * Appends an attempt and moves the delivery to the outcome's status; returns the new record.
   * `current`: the record as this process itself last wrote it (what `create` or a previous
   * `recordAttempt` was given or returned), which spares reading it back; without it, it is read.
   */
  recordAttempt(
    uuid: string,
    attempt: DeliveryAttempt,
    outcome: AttemptOutcome,
    current?: DeliveryRecord,
  ): Promise<DeliveryRecord>;
  /** Sets status/nextAttemptAt without an attempt (e.g. a resend re-queues a delivery). */
  setStatus(uuid: string, outcome: AttemptOutcome): Promise<DeliveryRecord>;
  /**
   * Puts the delivery's index entries where its status says, wherever a crash between writing its
   * record and its index left them (a store without shared commits: Redis, PostgreSQL), its settle's
   * hourly count included; a no-op when they are right. For a handler that finds a delivery it was
   * handed already settled: the process that settled it may have died before its index update.
   */
  reindex(record: DeliveryRecord): Promise<void>;
  /** Newest first; costs O(limit) reads for a single-field filter. */
  list(request: LogPageRequest): Promise<LogPage>;
  /** Every uuid matching a filter, newest first (for resend by filter), at most `max`. */
  uuids(filter: LogFilter, max: number): Promise<string[]>;
  /**
   * Removes deliveries created before `before` (epoch ms), and the stats of the hours that ended
   * by then; returns how many deliveries.
   */
  purge(before: number): Promise<number>;
  /**
   * Deliveries settled per hour, one bucket for each hour that overlaps [`since`, `until`) (at most
   * 744, 31 days), oldest first. A delivery is counted each time it settles (moves to `succeeded`
   * or `failed`), in the hour its settling attempt started (or, failed unsent, when that was
   * recorded): a resend that settles again counts again. Kept as deliveries settle, in the index
   * update that moves them (no write of its own), and read with one `count` per bucket and outcome,
   * never from the log; hours older than the retention are purged with it.
   */
  stats(request: DeliveryStatsRequest): Promise<DeliveryStatsBucket[]>;
  /**
   * How many of the newest `window` (1 to 500) deliveries of one webhook or one rule are in each
   * status, read from the log's status sets alone: one range of at most `window` members per
   * status, no record read.
   */
  recentStatuses(
    filter: { webhookId: string } | { ruleId: string },
    window: number,
  ): Promise<Record<DeliveryStatus, number>>;
}

export interface DeliveryQueueRepository {
  /**
   * Adds the delivery, or moves it to a new due time. With `fresh: true` (none of these uuids is
   * queued yet: new deliveries) the current entries are not read first, so the write goes out in
   * the same turn, and on the embedded store in the same commit as the log's. A wrong hint leaves
   * an old entry behind, which readers drop (see the queue repository), so it costs no delivery.
   */
  schedule(entries: readonly QueuedDelivery[], options?: { fresh?: boolean }): Promise<void>;
  /**
   * Up to `limit` entries due at or before `now` (epoch ms), earliest first. Besides what
   * `schedule` wrote, these include every delivery `log.create` recorded as pending and due at
   * its creation that nothing has moved since: the log's entry is its first attempt's queue
   * entry, so recording and settling it write none of their own.
   */
  due(now: number, limit: number): Promise<QueuedDelivery[]>;
  /** The earliest due time, or `null` when the queue is empty. */
  nextDueAt(): Promise<number | null>;
  /** Removes what `schedule` wrote for it; the log's own entry goes when its status changes. */
  remove(uuid: string): Promise<void>;
  /** Entries in both parts (a delivery in both counts twice). */
  size(): Promise<number>;
}

/** What `createStorage()` returns. */
export interface HookdeskStorage {
  settings: SettingsRepository;
  webhooks: WebhookRepository;
  log: DeliveryLogRepository;
  queue: DeliveryQueueRepository;
  /**
   * The namespaced Keyv instance underneath, for migrations and tests. Writing through it
   * bypasses validation and the log indexes.
   */
  readonly keyv: Keyv;
  /**
   * The typed record store underneath: validated reads and writes of JSON records under keys of the
   * caller's choosing. With `index`, the primitive a package keeps its own records on (smart rules
   * do); keep your keys apart from Hookdesk's with a prefix of your own.
   */
  readonly records: RecordStore;
  /**
   * The ordered index underneath (the log's listing sets, the queue, the account key), for
   * packages that keep their own sets (with names of their own), migrations and tests. Writing
   * Hookdesk's own sets through it bypasses the repositories.
   */
  readonly index: OrderedIndex;
  /** Which backend, for messages and logs, e.g. `redis at 127.0.0.1:6379`. */
  readonly backend: string;
  /** The `retention` option in milliseconds (default 30 days). */
  readonly retentionMs: number;
  /** Purges deliveries created more than `retentionMs` before `now` (default: the clock); returns how many. */
  purgeExpired(now?: number): Promise<number>;
  /** Closes the underlying store connections. */
  close(): Promise<void>;
}
