export type { ClaimResult, DedupStore } from './dedup-store.js';
export type { VerificationErrorCode } from './errors.js';
export { VERIFICATION_ERROR_STATUS, WebhookVerificationError } from './errors.js';
export type {
  EventOf,
  HookdeskEvent,
  SmartRuleTriggeredEvent,
  TicketCreatedEvent,
  TicketUpdatedEvent,
  WebhookTestEvent,
} from './event.js';
export type { EventHandler, EventHandlers } from './event-handlers.js';
export { captureRawBody, expressReceiver } from './express-middleware.js';
export { fetchReceiver } from './fetch-handler.js';
export type { ReceiverRequest, ReceiverResponse } from './handle-request.js';
export type { HeadersInput } from './header-value.js';
export type { KeyRing } from './key-ring.js';
export { keyRing } from './key-ring.js';
export type { KeyvDedupStoreOptions } from './keyv-dedup-store.js';
export { KeyvDedupStore } from './keyv-dedup-store.js';
export { koaReceiver } from './koa-middleware.js';
export type { MemoryDedupStoreOptions } from './memory-dedup-store.js';
export { MemoryDedupStore } from './memory-dedup-store.js';
export { nodeReceiver } from './node-handler.js';
export type { ProcessOutcome } from './process-event.js';
export { DedupUnavailableError, HandlerError } from './process-event.js';
export type { Receiver } from './receiver.js';
export { createReceiver } from './receiver.js';
export type { ReceiverOptions } from './receiver-options.js';
export type { RedisDedupStoreOptions } from './redis-dedup-store.js';
export { RedisDedupStore } from './redis-dedup-store.js';
export type { DedupStoreInput, ResolveDedupStoreOptions } from './resolve-dedup-store.js';
export { resolveDedupStore } from './resolve-dedup-store.js';
export type { SignedRequest, SignedRequestOptions } from './signed-request.js';
export { createSignedRequest } from './signed-request.js';
export type { VerifyOptions } from './verify.js';
export { bodyTimeout, bodyTooLarge, verify } from './verify.js';
