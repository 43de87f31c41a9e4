import type { DeliveryStatus, WebhookRecord } from '@hookdesk/storage';
import type { WebhookEventType } from '@hookdesk/wire';

/** Recent health, as every Webhook of the admin API carries it (docs/admin-api.md, "Webhook"). */
export interface WebhookHealth {
  /**
   * Share of the webhook's newest 50 deliveries that succeeded, of those finished (pending ones
   * have no outcome yet): 0 to 1, or `null` while none has finished.
   */
  successRate: number | null;
  /** When an attempt last failed; written at most once a minute while the failures go on. */
  lastFailureAt: string | null;
  /** When an attempt last succeeded; written at most once a minute while successes go on. */
  lastSuccessAt: string | null;
}

/** A webhook as the admin API shows it (docs/admin-api.md, "Webhook"): never its key. */
export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  name: string | null;
  description: string | null;
  headers: Record<string, string>;
  hasOwnKey: boolean;
  health: WebhookHealth;
  /** `null`, or why Hookdesk deactivated it (a 410, or failing since a time). */
  deactivatedReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What `getWebhook` answers: since every `Webhook` carries `health`, the same type. */
export type WebhookWithHealth = Webhook;

/** The webhook's view, with `successRate` of its recent deliveries (see `successRate`). */
export function toWebhook(record: WebhookRecord, successRate: number | null): Webhook {
  return {
    id: record.id,
    url: record.url,
    events: [...record.events],
    active: record.active,
    name: record.name,
    description: record.description,
    headers: { ...record.headers },
    hasOwnKey: record.key !== null,
    health: { successRate, lastFailureAt: record.lastFailureAt, lastSuccessAt: record.lastSuccessAt },
    deactivatedReason: record.deactivatedReason,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Success rate over finished deliveries (pending ones have no outcome yet), from status counts. */
export function successRate(counts: Readonly<Record<DeliveryStatus, number>>): number | null {
  const finished = counts.succeeded + counts.failed;
  return finished === 0 ? null : counts.succeeded / finished;
}
