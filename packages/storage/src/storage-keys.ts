import type { DeliveryStatus } from './records.js';
import { timePrefix } from './sort-key.js';

/**
 * Where each record lives, relative to the storage namespace. Internal: the layout is what stored
 * data has, pinned apart by the conformance suite (`testing/storage-conformance`).
 */
export const STORAGE_KEYS = {
  settings: (): string => 'settings',
  webhook: (id: string): string => `webhook:${id}`,
  /** A webhook's delivery health, written apart from its record (`WebhookRepository.recordHealth`). */
  webhookHealth: (id: string): string => `webhook-health:${id}`,
  delivery: (uuid: string): string => `delivery:${uuid}`,
  queueEntry: (uuid: string): string => `queue:${uuid}`,
} as const;

// Ids are encoded so that no id can make one set's name look like another's
// (webhook "a:status:failed" must not become the failed-status set of webhook "a").
const part = (id: string) => encodeURIComponent(id);

/**
 * Where a delivery sits in its event's sets: its status, with `pending` split in two. `pending`: the
 * log's entry is its queue entry, its first attempt due at creation (`log.create` wrote it and
 * nothing has moved it since). `scheduled`: pending, its next attempt on the queue at a time of its
 * own (a retry, a resend).
 */
export type LogIndexState = 'pending' | 'scheduled' | 'succeeded' | 'failed';

/** The statuses a delivery settles in, the two outcomes `log.stats` counts. */
export type SettledStatus = Exclude<DeliveryStatus, 'pending'>;

export const LOG_INDEX_STATES: readonly LogIndexState[] = ['pending', 'scheduled', 'succeeded', 'failed'];

/** Names of the ordered sets (see `ordered-index.ts`). */
export const INDEX_SETS = {
  webhooks: 'webhooks',
  queue: 'queue',
  /** Every delivery is in exactly one of its event's sets; together they are the whole log. */
  logEvent: (event: string, state: LogIndexState): string => `log:event:${event}:${state}`,
  logWebhookStatus: (id: string, status: DeliveryStatus): string =>
    `log:webhook:${part(id)}:status:${status}`,
  logRuleStatus: (id: string, status: DeliveryStatus): string => `log:rule:${part(id)}:status:${status}`,
  /**
   * The deliveries that settled in one hour with one outcome (`log.stats`), named by the hour's
   * start: all of them, and per webhook and per rule. A member is one settle (`delivery-stats.ts`).
   */
  statsHour: (hourMs: number, outcome: SettledStatus): string => `stats:${timePrefix(hourMs)}:${outcome}`,
  statsWebhookHour: (hourMs: number, outcome: SettledStatus, id: string): string =>
    `stats:${timePrefix(hourMs)}:${outcome}:webhook:${part(id)}`,
  statsRuleHour: (hourMs: number, outcome: SettledStatus, id: string): string =>
    `stats:${timePrefix(hourMs)}:${outcome}:rule:${part(id)}`,
  /** The hours that have stats sets, members `<hour start, 13 digits>`: what retention walks. */
  statsHours: 'stats:hours',
  /** One member, `key`, whose value is the account key the first start chose. */
  accountKey: 'account-key',
} as const;
