import type { EventType, WebhookEventType } from '@hookdesk/wire';

/** A key taken out of service by rotation; it still signs `webhook-signature` until `validUntil`. */
export interface RetiredKey {
  key: string;
  /** ISO 8601 UTC. */
  validUntil: string;
}

/** Account-wide settings: the global "Webhook Active" switch and the webhook key. */
export interface SettingsRecord {
  active: boolean;
  /** The current account key, `whsec_…`. */
  key: string;
  /** Rotated-out keys still inside their grace period, newest first. */
  previousKeys: RetiredKey[];
  updatedAt: string;
}

export interface WebhookRecord {
  id: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  name: string | null;
  description: string | null;
  /** Custom request headers, lowercase names. */
  headers: Record<string, string>;
  /** The webhook's own key, or `null` when the account key signs. Never returned by the admin API. */
  key: string | null;
  /**
   * Keys that signed this webhook's deliveries before its key was changed, each still signing
   * `webhook-signature` until its `validUntil` (the grace period). Absent on records written
   * before this field existed; never returned by the admin API.
   */
  previousKeys?: RetiredKey[];
  createdAt: string;
  updatedAt: string;
  /** Why Hookdesk deactivated it (410, failing for days), or `null`. */
  deactivatedReason: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Start of the current run of failures without a single success, or `null`. */
  failingSince: string | null;
}

/**
 * What the delivery bookkeeping writes of a webhook: stored apart from the rest of the record, so
 * that writing it can never undo an admin's edit of the webhook made meanwhile in another process.
 */
export type WebhookDeliveryHealth = Pick<WebhookRecord, 'lastSuccessAt' | 'lastFailureAt' | 'failingSince'>;

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

export interface DeliveryAttempt {
  /** 1 for the first attempt; a resend continues the count. */
  number: number;
  /** ISO 8601 UTC start of the attempt. */
  at: string;
  durationMs: number;
  statusCode: number | null;
  /** The response body, at most 16 KiB of it, decoded as UTF-8. */
  responseExcerpt: string | null;
  error: string | null;
  /** True when the SSRF guard refused the address. */
  blocked: boolean;
  /**
   * The request headers this attempt went out with: the webhook's custom headers and the signed
   * ones, its own `webhook-timestamp`, `webhook-signature` and `x-hookdesk-attempt` among them.
   * Absent on attempts recorded before this field existed.
   */
  headers?: Record<string, string>;
}

/** One delivery: one event to one target (a webhook, or a smart rule's URL). */
export interface DeliveryRecord {
  uuid: string;
  event: EventType;
  webhookId: string | null;
  ruleId: string | null;
  url: string;
  status: DeliveryStatus;
  /** The exact JSON text that is signed and sent (UTF-8 on the wire). */
  body: string;
  /** Request headers of the latest attempt (custom and signature headers). */
  headers: Record<string, string>;
  /** `X-Hookdesk-Signature` of the body under the key that signed it. */
  signature: string;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  attemptCount: number;
  attempts: DeliveryAttempt[];
  /**
   * Why the delivery is `failed` without an attempt saying so: it could not be sent at all (its
   * body over the limit, its webhook deleted or inactive; docs/admin-api.md, "LogSummary"). Absent
   * otherwise, and on records written before this field existed; the next attempt removes it.
   */
  error?: string;
  /**
   * Set when the event's body was over the size limit when it was recorded: its size in bytes and
   * the limit then. `body` holds only the start of it (core keeps 16 KiB: the limit also bounds
   * what the log stores), so such a delivery is never sent, resent or not.
   */
  bodyTooLarge?: { bytes: number; limit: number };
}

/** What the log listing returns per entry (docs/admin-api.md, "LogSummary"). */
export type DeliverySummary = Omit<
  DeliveryRecord,
  'body' | 'headers' | 'signature' | 'attempts' | 'error' | 'bodyTooLarge'
>;

export interface LogFilter {
  status?: DeliveryStatus;
  webhookId?: string;
  ruleId?: string;
  event?: EventType;
  /** Inclusive lower bound on `createdAt`, ISO 8601. */
  since?: string;
  /** Exclusive upper bound on `createdAt`, ISO 8601. */
  until?: string;
}

export interface LogPageRequest extends LogFilter {
  /** Default 50, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

export interface LogPage {
  items: DeliverySummary[];
  nextCursor: string | null;
}

/**
 * What `log.stats` counts: the hours that overlap [`since`, `until`), for every delivery or for one
 * webhook's or one rule's (not both: a delivery has one or the other).
 */
export interface DeliveryStatsRequest {
  /** ISO 8601; the bucket it falls in is the first. */
  since: string;
  /** ISO 8601, exclusive; the bucket it falls in is the last, unless it is that bucket's start. */
  until: string;
  webhookId?: string;
  ruleId?: string;
}

/** One hour of `log.stats`: how many deliveries settled in it, by outcome. */
export interface DeliveryStatsBucket {
  /** ISO 8601 UTC start of the hour. */
  start: string;
  succeeded: number;
  failed: number;
}

/** An entry in the durable delivery queue. */
export interface QueuedDelivery {
  uuid: string;
  /** Epoch milliseconds at which the next attempt is due. */
  dueAt: number;
  /**
   * A resend: one attempt, never retried automatically (docs/admin-api.md). Kept with the entry, so it
   * holds after a restart too; scheduling the entry again without `once` keeps it.
   */
  once?: boolean;
}
