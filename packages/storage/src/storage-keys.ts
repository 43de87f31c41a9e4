import type { DeliveryStatus } from './records.js';

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

/** Names of the ordered sets (see `ordered-index.ts`). */
export const INDEX_SETS = {
  webhooks: 'webhooks',
  queue: 'queue',
  log: 'log',
  logStatus: (status: DeliveryStatus): string => `log:status:${status}`,
  logWebhook: (id: string): string => `log:webhook:${part(id)}`,
  logWebhookStatus: (id: string, status: DeliveryStatus): string =>
    `log:webhook:${part(id)}:status:${status}`,
  logRule: (id: string): string => `log:rule:${part(id)}`,
  logRuleStatus: (id: string, status: DeliveryStatus): string => `log:rule:${part(id)}:status:${status}`,
  logEvent: (event: string): string => `log:event:${event}`,
  /** One member, `key`, whose value is the account key the first start chose. */
  accountKey: 'account-key',
} as const;
