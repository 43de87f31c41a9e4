// The public API: what the README documents, nothing more (test/exports.test.ts pins the list).
export { createStorage, type StorageOptions } from './create-storage.js';
export { MAX_STATS_HOURS } from './delivery-stats.js';
export { entityRepository } from './entity-repository.js';
export {
  CorruptRecordError,
  InvalidCursorError,
  RecordNotFoundError,
  StorageError,
} from './errors.js';
export { KeyvLmdb, openEmbeddedStore } from './lmdb-store.js';
export { type OrderedIndex, writeInOrder } from './ordered-index.js';
export { RecordStore } from './record-store.js';
export type {
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
export { DELIVERY_STATUSES } from './records.js';
export type { EntityRepository, HookdeskStorage } from './repositories.js';
export { parseSortKey, sortKey, timePrefix } from './sort-key.js';
export { validInput } from './valid-input.js';
