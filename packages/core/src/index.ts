export { AdminHttpError } from './admin/admin-errors.js';
export {
  type AdminHandler,
  type AdminHandlerOptions,
  type AdminLogger,
  createAdminHandler,
} from './admin/admin-handler.js';
export type {
  AdminHttpRequest,
  AdminHttpResponse,
  AdminRequestBody,
  Authorize,
  AuthorizeResult,
} from './admin/admin-http.js';
export type { AdminOperations, AdminSource } from './admin/admin-operations.js';
export type { ExtensionAdminRoute, RouteInput, RouteOutput } from './admin/admin-routes.js';
export { bearerToken } from './admin/bearer-token.js';
export { buildOpenApiDocument } from './admin/openapi.js';
export { DEFAULT_ADMIN_BODY_LIMIT } from './admin/read-json-body.js';
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
export { MAX_EVENT_ID_LENGTH } from './event-id.js';
export type {
  ExtensionContext,
  HookdeskExtension,
  TicketEvent,
  TicketEventListener,
} from './extension.js';
export {
  createHookdesk,
  type EmitPayloads,
  Hookdesk,
  MAX_RESEND,
  type ResendResult,
  type RotatedKey,
  type Settings,
  type TicketEventOptions,
  type TicketUpdateOptions,
} from './hookdesk.js';
export type {
  DeliveryDroppedEvent,
  DeliveryEventBase,
  DropReason,
  HookdeskEventMap,
  HookdeskEventName,
} from './hookdesk-events.js';
export {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from './host/record-ticket-event.js';
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
export { targetUrlSchema } from './target-url-schema.js';
export { USER_AGENT, VERSION } from './version.js';
export {
  parseInput,
  type WebhookCreateInput,
  type WebhookPatchInput,
  webhookCreateSchema,
  webhookPatchSchema,
} from './webhook-schema.js';
export type { Webhook, WebhookHealth, WebhookWithHealth } from './webhook-view.js';
