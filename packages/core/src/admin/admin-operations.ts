import type { DeliveryStatsBucket, LogPage, LogPageRequest } from '@hookdesk/storage';

/** One entry of a log page: a delivery without its body, headers and attempts. */
export type DeliverySummary = LogPage['items'][number];

import type { z } from 'zod';
import type { ResendRequest, ResendSummary, StatsRequest } from '../hookdesk/delivery-log-admin.js';
import type { LogEntry } from '../log-entry-view.js';
import type { ExtensionAdminRoute } from './admin-routes.js';
import type { webhookSavedView, webhookView } from './admin-schemas.js';

export type WebhookView = z.infer<typeof webhookView>;
/** A webhook as create and PATCH answer it: with the generated `key` when one was generated. */
export type WebhookSavedView = z.infer<typeof webhookSavedView>;
export type LogEntryView = LogEntry;

/**
 * What the admin API needs from the engine, one method a route. Inputs the engine validates itself
 * (webhook bodies) arrive as `unknown`; the rest arrive parsed by the admin schemas.
 */
export interface AdminOperations {
  getSettings(): Promise<{ active: boolean; keyPreview: string }>;
  setActive(active: boolean): Promise<{ active: boolean; keyPreview: string }>;
  revealKey(): Promise<{ key: string }>;
  rotateKey(): Promise<{ key: string; previousKeyValidUntil: string }>;
  listWebhooks(): Promise<WebhookView[]>;
  getWebhook(id: string): Promise<WebhookView>;
  createWebhook(input: unknown): Promise<WebhookSavedView>;
  updateWebhook(id: string, input: unknown): Promise<WebhookSavedView>;
  revealWebhookKey(id: string): Promise<{ key: string }>;
  deleteWebhook(id: string): Promise<void>;
  testWebhook(id: string): Promise<LogEntryView>;
  listLogs(request: LogPageRequest): Promise<LogPage>;
  getLog(uuid: string): Promise<LogEntryView>;
  /** `POST M/api/logs/resend`: `Hookdesk.resendWithCounts` (the counts, `dryRun`). */
  resendWithCounts(request: ResendRequest): Promise<ResendSummary>;
  stats(request: StatsRequest): Promise<{ buckets: DeliveryStatsBucket[] }>;
  /** The routes installed extensions add (smart rules'); none when absent. */
  adminRoutes?(): readonly ExtensionAdminRoute[];
}

/** What the admin API mounts: a `Hookdesk` from `createHookdesk()` (or anything with its admin methods). */
export type AdminSource = AdminOperations;
