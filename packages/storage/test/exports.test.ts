import { exportedNames, undocumentedExports } from '@hookdesk/test-support';
import { describe, expect, it } from 'vitest';

// The public surface, pinned: a change to it is deliberate, and gets a changeset.
describe('@hookdesk/storage exports', () => {
  it('exactly these names, values and types alike', () => {
    expect(exportedNames(new URL('../src/index.ts', import.meta.url))).toEqual([
      'CorruptRecordError',
      'DELIVERY_STATUSES',
      'DeliveryAttempt',
      'DeliveryRecord',
      'DeliveryStatsBucket',
      'DeliveryStatsRequest',
      'DeliveryStatus',
      'EntityRepository',
      'HookdeskStorage',
      'InvalidCursorError',
      'KeyvLmdb',
      'LogFilter',
      'LogPage',
      'LogPageRequest',
      'MAX_STATS_HOURS',
      'OrderedIndex',
      'QueuedDelivery',
      'RecordNotFoundError',
      'RecordStore',
      'SettingsRecord',
      'StorageError',
      'StorageOptions',
      'WebhookDeliveryHealth',
      'WebhookRecord',
      'createStorage',
      'entityRepository',
      'openEmbeddedStore',
      'parseSortKey',
      'sortKey',
      'timePrefix',
      'validInput',
      'writeInOrder',
    ]);
  }, 30_000);

  it('every exported name is in the README', () => {
    expect(
      undocumentedExports(
        new URL('../src/index.ts', import.meta.url),
        new URL('../README.md', import.meta.url),
      ),
    ).toEqual([]);
  }, 30_000);
});
