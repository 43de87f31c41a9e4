import type { WebhookRecord } from '@hookdesk/storage';
import type { WebhookEventType } from '@hookdesk/wire';

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
  createdAt: string;
  updatedAt: string;
}

/** Recent health, as `GET M/api/webhooks/:id` adds it. */
export interface WebhookHealth {
  /** Share of the recent finished deliveries that succeeded, 0 to 1, or `null` with none yet. */
  successRate: number | null;
  lastFailureAt: string | null;
}

export interface WebhookWithHealth extends Webhook {
  health: WebhookHealth;
}

export function toWebhook(record: WebhookRecord): Webhook {
  return {
    id: record.id,
    url: record.url,
    events: [...record.events],
    active: record.active,
    name: record.name,
    description: record.description,
    headers: { ...record.headers },
    hasOwnKey: record.key !== null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Success rate over finished deliveries (pending ones have no outcome yet). */
export function successRate(statuses: readonly string[]): number | null {
  let finished = 0;
  let succeeded = 0;
  for (const status of statuses) {
    if (status === 'pending') continue;
    finished++;
    if (status === 'succeeded') succeeded++;
  }
  return finished === 0 ? null : succeeded / finished;
}
