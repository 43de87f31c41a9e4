// The public API: what the README documents, nothing more (test/exports.test.ts pins the list).
export type { AdminHandlerOptions } from './admin/admin-handler.js';
export { createAdminHandler } from './admin/admin-handler.js';
export type { Authorize } from './admin/admin-http.js';
export type { AdminSource } from './admin/admin-operations.js';
export type { ExtensionAdminRoute } from './admin/admin-routes.js';
export { bearerToken } from './admin/bearer-token.js';
export { buildOpenApiDocument } from './admin/openapi.js';
export type { Clock, TimerHandle } from './clock.js';
export type { DeliveryHandler, DeliveryQueue } from './delivery-queue.js';
export { parseDuration, parseDurationList } from './duration.js';
export {
  ConflictError,
  HookdeskError,
  NotFoundError,
  ValidationError,
} from './errors.js';
export type {
  ExtensionContext,
  HookdeskExtension,
  TicketEvent,
  TicketEventListener,
} from './extension.js';
export type { Settings } from './hookdesk/settings-admin.js';
export type { TicketEventOptions, TicketUpdateOptions } from './hookdesk/ticket-events.js';
export { createHookdesk, Hookdesk } from './hookdesk.js';
export type { HookdeskEventMap } from './hookdesk-events.js';
export {
  isSuccessStatus,
  recordTicketEvent,
  reportTicketEventError,
  type SelectedTicket,
  type TicketEventErrorHandler,
  type TicketEventName,
  type TicketEventTarget,
} from './host/record-ticket-event.js';
export type { Logger } from './logger.js';
export type { HookdeskOptions } from './options.js';
export { parseInput } from './parse-input.js';
export { SerialByKey } from './serial-by-key.js';
export type { Resolver } from './ssrf-guard.js';
export { targetUrlSchema } from './target-url-schema.js';
export type { Webhook, WebhookWithHealth } from './webhook-view.js';
