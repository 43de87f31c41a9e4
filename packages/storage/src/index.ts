export {
  createStorage,
  DEFAULT_NAMESPACE,
  DEFAULT_PURGE_INTERVAL_MS,
  type StorageOptions,
} from './create-storage.js';
export { DEFAULT_LOG_PAGE_SIZE, MAX_LOG_PAGE_SIZE } from './delivery-log-repository.js';
export { type EntityLayout, entityRepository } from './entity-repository.js';
export {
  CorruptRecordError,
  InvalidCursorError,
  RecordNotFoundError,
  StorageError,
} from './errors.js';
export {
  DEFAULT_EMBEDDED_PATH,
  type EmbeddedStoreOptions,
  KeyvLmdb,
  openEmbeddedStore,
  wireIterator,
} from './lmdb-store.js';
export { MemoryOrderedIndex } from './memory-ordered-index.js';
export {
  type IndexEntry,
  type IndexRange,
  type IndexUpdate,
  type OrderedIndex,
  writeInOrder,
} from './ordered-index.js';
export { DEFAULT_POSTGRES_INDEX_TABLE } from './postgres-ordered-index.js';
export { RecordStore } from './record-store.js';
export type {
  DeliveryAttempt,
  DeliveryRecord,
  DeliveryStatus,
  DeliverySummary,
  LogFilter,
  LogPage,
  LogPageRequest,
  QueuedDelivery,
  RetiredKey,
  SettingsRecord,
  WebhookDeliveryHealth,
  WebhookRecord,
} from './records.js';
export { DELIVERY_STATUSES } from './records.js';
export type {
  AttemptOutcome,
  DeliveryLogRepository,
  DeliveryQueueRepository,
  EntityRepository,
  HookdeskStorage,
  SettingsRepository,
  WebhookRepository,
} from './repositories.js';
export { DEFAULT_RETENTION_DAYS, type RetentionOption } from './retention.js';
export { parseSortKey, sortKey, timePrefix } from './sort-key.js';
export { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
export type { StoreOption } from './store-backend.js';
export { validInput } from './valid-input.js';
