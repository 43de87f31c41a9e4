import type { WebhookDeliveryHealth, WebhookRecord } from '@hookdesk/storage';
import type { WebhookCache } from './webhook-cache.js';

/** The happy path writes a webhook's health at most once in this window; the view needs no finer grain. */
const HEALTH_WRITE_INTERVAL_MS = 60_000;

/**
 * Success and failure bookkeeping on the webhook after an attempt, and its deactivation when
 * `deactivateReason` says so; writes only when something changes.
 */
export async function recordWebhookHealth(
  webhooks: WebhookCache,
  cached: WebhookRecord,
  outcome: { succeeded: boolean; nowMs: number; deactivateReason: string | null },
): Promise<void> {
  const { succeeded, nowMs, deactivateReason } = outcome;
  const nowIso = new Date(nowMs).toISOString();
  const recent = (at: string | null) => at !== null && nowMs - Date.parse(at) <= HEALTH_WRITE_INTERVAL_MS;
  if (succeeded && cached.failingSince === null && recent(cached.lastSuccessAt)) return;
  if (!succeeded && !deactivateReason && cached.failingSince !== null && recent(cached.lastFailureAt)) return;
  const health = (current: WebhookRecord): WebhookDeliveryHealth | null => {
    if (succeeded) {
      if (current.failingSince === null && recent(current.lastSuccessAt)) return null;
      return { lastSuccessAt: nowIso, lastFailureAt: current.lastFailureAt, failingSince: null };
    }
    return {
      lastSuccessAt: current.lastSuccessAt,
      lastFailureAt: nowIso,
      failingSince: current.failingSince ?? nowIso,
    };
  };
  if (!deactivateReason) {
    // Only the health is written, so no admin edit, in this process or another, is undone.
    await webhooks.updateHealth(cached.id, health);
    return;
  }
  // Deactivating changes the record itself: on the record as it is when written, in turn with
  // this process's admin edits. Rare (a 410, or days of failures).
  await webhooks.update(cached.id, (current) => {
    const next = { ...current, ...health(current) };
    if (!current.active) return next;
    return { ...next, active: false, deactivatedReason: deactivateReason, updatedAt: nowIso };
  });
}
