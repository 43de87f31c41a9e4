export { type Clock, systemClock, type TimerHandle } from './clock.js';
export type { DeliveryHandler, DeliveryQueue } from './delivery-queue.js';
export {
  ConflictError,
  DeliveryError,
  HookdeskError,
  NotFoundError,
  type ValidationDetail,
  ValidationError,
} from './errors.js';
export {
  createHookdesk,
  type EmitPayloads,
  Hookdesk,
  MAX_RESEND,
  type ResendResult,
  type RotatedKey,
  type Settings,
} from './hookdesk.js';
export type {
  DeliveryEventBase,
  HookdeskEventMap,
  HookdeskEventName,
} from './hookdesk-events.js';
export { DEFAULT_KEY_GRACE_MS } from './key-ring.js';
export type { Logger } from './logger.js';
export type { HookdeskOptions } from './options.js';
export {
  applyJitter,
  classifyStatus,
  DEFAULT_DISABLE_AFTER_MS,
  DEFAULT_JITTER,
  DEFAULT_RETRY_SCHEDULE_MS,
  decideAfterAttempt,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicy,
} from './retry-policy.js';
export {
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
} from './sender.js';
export {
  createAddressGuard,
  type NetworkPolicy,
  parseIp,
  type Resolver,
  specialPurpose,
} from './ssrf-guard.js';
export { StorageDeliveryQueue, type StorageDeliveryQueueOptions } from './storage-delivery-queue.js';
export { USER_AGENT, VERSION } from './version.js';
export {
  parseInput,
  type WebhookCreateInput,
  type WebhookPatchInput,
  webhookCreateSchema,
  webhookPatchSchema,
} from './webhook-schema.js';
export type { Webhook, WebhookHealth, WebhookWithHealth } from './webhook-view.js';
